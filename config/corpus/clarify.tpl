# Unknown places and objects: a polite clarification, never an invented target.

== clarify_place
go to {unknown_place}
take me to {unknown_place}
head to {unknown_place}
drive to {unknown_place}
can you go to {unknown_place}
navigate to {unknown_place}
go check {unknown_place}
move to {unknown_place}
come to {unknown_place}
get over to {unknown_place}
go and look in {unknown_place}
i need you in {unknown_place}
head over to {unknown_place}
could you go to {unknown_place}
please go to {unknown_place}
walk over to {unknown_place}
please navigate to {unknown_place}
can you navigate to {unknown_place}
navigate into {unknown_place}
head into {unknown_place}
drive over to {unknown_place}
move over to {unknown_place}
come over to {unknown_place}
go check on {unknown_place}
walk to {unknown_place}
navigate over to {unknown_place}
go into {unknown_place}
take yourself to {unknown_place}
get yourself to {unknown_place}
head down to {unknown_place}
go over to {unknown_place}
go on over to {unknown_place}
pop over to {unknown_place}
nip into {unknown_place}
make your way to {unknown_place}
get yourself over to {unknown_place}
could you head to {unknown_place}
would you go to {unknown_place}
i need you to go to {unknown_place}
i want you in {unknown_place}
i'd like you to go to {unknown_place}
meet me in {unknown_place}
wait for me in {unknown_place}
go wait in {unknown_place}
roll over to {unknown_place}
roll into {unknown_place}
drive into {unknown_place}
move into {unknown_place}
walk into {unknown_place}
travel to {unknown_place}
proceed to {unknown_place}
head for {unknown_place}
head on over to {unknown_place}
go to {unknown_place} now
run over to {unknown_place}
hurry to {unknown_place}
go take a look in {unknown_place}
take a trip to {unknown_place}
let's go to {unknown_place}
can you come to {unknown_place}
swing by {unknown_place}
go down to {unknown_place}
go up to {unknown_place}

== clarify_object
bring me {unknown_object}
find {unknown_object}
where is {unknown_object}
get me {unknown_object}
look for {unknown_object}
fetch {unknown_object}
can you find {unknown_object}
go get {unknown_object}
where did i leave {unknown_object}
have you seen {unknown_object}
grab {unknown_object}
i lost {unknown_object}
search for {unknown_object}
hand me {unknown_object}
i need {unknown_object}
could you bring me {unknown_object}
go look for {unknown_object}
go grab {unknown_object}
fetch me {unknown_object}
go find {unknown_object}
could you look for {unknown_object}
bring {unknown_object} to me
grab me {unknown_object}
can you get me {unknown_object}
could you fetch {unknown_object}
search the house for {unknown_object}
where's {unknown_object}
where are {unknown_object}
where did i put {unknown_object}
do you know where {unknown_object} is
have you spotted {unknown_object}
locate {unknown_object}
hunt for {unknown_object}
track down {unknown_object}
help me find {unknown_object}
i can't find {unknown_object}
i've lost {unknown_object}
i misplaced {unknown_object}
get {unknown_object} for me
bring {unknown_object} here
pass me {unknown_object}
give me {unknown_object}
i want {unknown_object}
i'd like {unknown_object}
can i have {unknown_object}
fetch {unknown_object} for me
go fetch {unknown_object}
bring over {unknown_object}
go and get {unknown_object} for me
would you bring me {unknown_object}
any idea where {unknown_object} is
tell me where {unknown_object} is
have a look for {unknown_object}
search around for {unknown_object}
