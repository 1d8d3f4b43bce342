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
