# Commands that become robot actions. One phrasing per line, lowercase, no final punctuation
# (the generator adds whisper-style capitals and punctuation, or ASR noise). Format: see
# ros_nodes/brain/src/corpus/templates.rs. Articles come with the slot ("the kitchen", "my keys").

== navigate
go to {place}
go into {place}
head to {place}
head over to {place}
drive to {place}
move to {place}
take yourself to {place}
navigate to {place}
get over to {place}
come to {place}
come over to {place}
go over to {place}
make your way to {place}
run to {place}
walk to {place}
roll over to {place}
hop over to {place}
i want you in {place}
i need you in {place}
can you go to {place}
could you head to {place}
would you go to {place}
please go to {place}
go check {place}
go and check on {place}
take a trip to {place}
get yourself to {place}
let's go to {place}
can you come to {place}
go to {place} now
head into {place}
i'd like you to go to {place}
please head over to {place}
travel to {place}
proceed to {place}
head for {place}
head on over to {place}
can you navigate to {place}
please navigate to {place}
make your way over to {place}
i want you to go into {place}
navigate your way to {place}
drive into {place}
move into {place}
walk into {place}
roll into {place}
get yourself over to {place}
travel over to {place}
proceed over to {place}
take yourself over to {place}
navigate over to {place}
drive over to {place}
move over to {place}
walk over to {place}
roll to {place}
come into {place}
pop over to {place}
pop into {place}
nip over to {place}
nip into {place}
swing by {place}
head down to {place}
go down to {place}
go up to {place}
head up to {place}
wander over to {place}
wander into {place}
make tracks to {place}
off you go to {place}
get into {place}
get yourself into {place}
i'd like you in {place}
i want you over in {place}
i need you over in {place}
you should go to {place}
you need to go to {place}
why don't you go to {place}
how about you go to {place}
could you make your way to {place}
would you mind going to {place}
do you mind heading to {place}
can you get to {place}
can you head over to {place}
could you go into {place}
would you head into {place}
i want you to head to {place}
i need you to go to {place}
move yourself to {place}
relocate to {place}
reposition yourself in {place}
go and wait in {place}
wait for me in {place}
meet me in {place}
come meet me in {place}
park yourself in {place}
go hang out in {place}
go to {place} and wait there
get to {place}
hurry to {place}
hurry over to {place}
rush over to {place}
head straight to {place}
go straight to {place}
set off for {place}
start heading to {place}
move towards {place}
drive towards {place}
head towards {place}
go visit {place}
pay a visit to {place}
go take a look in {place}
your destination is {place}
come through to {place}
come on over to {place}
come down to {place}
come join me in {place}
join me in {place}
trundle over to {place}
zip over to {place}
zoom over to {place}
take me to {place}
zip into {place}
rush to {place}
relocate yourself to {place}
swing over to {place}
park in {place}
make tracks for {place}

== go_charge
go charge
go charge yourself
go and recharge
go recharge your battery
go to your charger
go back to your dock
go dock yourself
return to your dock
return to base
head back to the charger
time to charge
go plug yourself in
you should go charge
go back and charge up
dock yourself please
go to your charging station
go home and charge
charge your battery
return to your charging station
head home and recharge
head back to your base
go back to your charging station
time to recharge
plug yourself in
go charge up
return to your charger
go back to your base
it's time to dock
go and charge your battery
go home to charge
charge up
go plug in
go get some juice
go top up your battery
top yourself up
top up your charge
go recharge
recharge yourself
you need to recharge
you should recharge
your battery's low go charge
battery's low head to the charger
go power up
power up at your dock
go juice up
juice up
get charged up
go get charged
head to your dock
head back to your dock
back to your dock
back to your charger
return to your base station
go back to base
head back to base
return home and charge
dock now
go dock
go and dock
park at your charger
park yourself on the charger
get back on your charger
hop on your charger
go rest on your charger
go have a rest and charge
time for you to charge
charging time
go and plug yourself in
plug in now
could you go charge
would you go recharge
i want you to charge up
you're low on power go charge
fill up your battery
recharge your batteries
go recharge your batteries
that's enough for today go charge
fill your battery up
hop onto your dock

== move_forward
move forward {distance}
go forward {distance}
drive forward {distance}
move ahead {distance}
go ahead {distance}
go straight {distance}
drive straight ahead for {distance}
roll forward {distance}
move {distance} forward
go {distance} forward
come forward {distance}
advance {distance}
move forwards {distance}
step forward {distance}
can you move forward {distance}
edge forward {distance}
go straight for {distance}
drive {distance} ahead
roll ahead {distance}
step {distance} forward
advance forward {distance}
come forward by {distance}
roll {distance} forward
advance by {distance}
go straight ahead {distance}
move straight ahead {distance}
go {distance} straight ahead
forward {distance}
{distance} forward
ahead {distance}
drive ahead {distance}
drive {distance} forward
travel forward {distance}
travel {distance} forward
move ahead by {distance}
go ahead by {distance}
go forward by {distance}
move forward by {distance}
roll forward by {distance}
push forward {distance}
keep going for {distance}
keep going forward {distance}
carry on forward {distance}
continue forward {distance}
continue {distance} ahead
proceed forward {distance}
proceed {distance} forward
head forward {distance}
go straight on for {distance}
drive straight on {distance}
could you go forward {distance}
i need you to move forward {distance}
move {distance} ahead
walk forward {distance}
walk {distance} forward
step ahead {distance}
forwards {distance}
go forwards {distance}
drive forwards {distance}
roll forwards {distance}
move yourself forward {distance}
advance about {distance}
go forward about {distance}
move forward roughly {distance}
go approximately {distance} forward
push ahead {distance}
carry on {distance} ahead
head straight ahead {distance}

== move_backward
move back {distance}
move backward {distance}
move backwards {distance}
back up {distance}
go back {distance}
reverse {distance}
drive backwards {distance}
roll back {distance}
move {distance} back
go {distance} backwards
back off {distance}
step back {distance}
back up about {distance}
reverse by {distance}
can you back up {distance}
drive back {distance}
retreat {distance}
go backward {distance}
reverse about {distance}
roll backwards {distance}
step backwards {distance}
back off by {distance}
retreat back {distance}
drive backward {distance}
move back about {distance}
roll back by {distance}
step back by {distance}
retreat by {distance}
backward {distance}
backwards {distance}
{distance} back
{distance} backwards
back up by {distance}
move back by {distance}
go back by {distance}
move backwards by {distance}
drive back by {distance}
reverse back {distance}
back away {distance}
back away by {distance}
move away from me {distance}
roll backward {distance}
walk back {distance}
walk backwards {distance}
step back about {distance}
travel backwards {distance}
move yourself back {distance}
could you back up {distance}
i need you to back up {distance}
back up roughly {distance}
go backwards about {distance}
reverse approximately {distance}
drive {distance} backwards
roll {distance} back
back off about {distance}
go in reverse for {distance}
drive in reverse {distance}
give me {distance} of space
give me {distance} of room
retreat about {distance}
pull back {distance}
pull back by {distance}
travel back {distance}

== move_forward_default
move forward
go forward
go ahead
drive forward
go straight ahead
move ahead
keep going forward
roll forward
come forward
advance
move forwards
drive straight
keep going straight
roll forwards
advance forward
drive forwards
roll ahead
move straight ahead
drive straight ahead
go forwards
go straight
drive ahead
move forward now
go on ahead
can you move forward
could you go forward
forward
forwards
onward
onwards
keep going
carry on forward
continue forward
keep moving forward
keep moving
move on ahead
proceed forward
head forward
walk forward
step forward
step ahead
come on forward
push forward
push ahead
go straight on
drive on
move yourself forward
go forward now
ahead
straight ahead
full speed ahead
let's move forward
keep on going
move along
proceed ahead
continue ahead
walk ahead
carry on ahead

== move_backward_default
back up
move back
go back
move backwards
reverse
back off
drive backwards
step back
give me some room
give me some space
roll back
can you move back
please move back
just move back
go in reverse
drive in reverse
roll backwards
give me room
step backward
move backward
back up now
go backward
drive backward
step backwards
roll backward
back it up
backwards
backward
go backwards
back away
back away from me
move away
move away from me
get back
stand back
step away
pull back
retreat
reverse back
drive back
walk back
walk backwards
move backwards now
make some room
make room
you're too close back up
reverse out
back out
back yourself up
move yourself back
could you back up
i need you to back up
let's back up
pull yourself back
retreat backwards
stand back from me

== nudge_forward
move forward a little
move forward a bit
go forward a little bit
inch forward
scoot forward
just a little forward
nudge forward
creep forward a bit
move up a little
come a little closer
come a bit closer
inch up a little
scoot up
nudge ahead a little
creep ahead a little
go forward a bit
come closer a little
inch ahead
scoot closer
nudge forward a bit
creep forward
move up a bit
move a little closer
scoot forward a bit
forward a little
forward a bit
a little forward
a bit forward
a touch forward
just a touch forward
move forward a touch
move forward slightly
go forward slightly
go forward a touch
edge forward a little
edge forward
edge up a bit
edge closer
inch closer
inch forward a bit
inch forward a little
creep closer
creep forward a little
nudge closer
nudge yourself forward
scoot up a bit
scoot a little closer
scoot forward a little
a tiny bit forward
move forward a tiny bit
go forward just a little
roll forward a little
roll forward a bit
come in a bit closer
get a little closer
get a bit closer
move a touch closer
a little closer
a bit closer
slightly forward
move up slightly
come up a touch

== nudge_backward
move back a little
back up a bit
go back a little bit
scoot back
inch back
just a little backwards
nudge back
back up just a touch
move back slightly
reverse a tiny bit
go back slightly
scoot backwards
back up a tiny bit
move back just a touch
inch backwards
reverse slightly
nudge back a bit
inch away a little
scoot away a bit
move back a tiny bit
nudge backwards
back away a little
reverse a little
just a touch back
back a little
back a bit
a little back
a bit back
back a touch
back up a little
back up slightly
back up a touch
back up a little bit
move back a bit
move backwards a little
go back a bit
go back a touch
edge back
edge back a little
edge backwards
edge away a bit
inch back a bit
inch back a little
creep back
creep back a bit
creep backwards
scoot back a bit
scoot back a little
nudge back a little
nudge yourself back
reverse a touch
reverse just a bit
roll back a little
roll back a bit
a little further back
a bit further back
slightly back
a tiny bit back
move away a little
back off a bit
back off a little

== turn_left
turn left {angle}
turn {angle} to the left
rotate left {angle}
rotate {angle} left
spin left {angle}
turn {angle} left
turn to your left {angle}
go left {angle}
pivot left {angle}
turn counterclockwise {angle}
rotate counterclockwise by {angle}
can you turn left {angle}
turn left by {angle}
swing left {angle}
look left {angle}
spin {angle} to the left
pivot {angle} to the left
swing {angle} to the left
go {angle} to the left
rotate {angle} counterclockwise
spin {angle} left
pivot left by {angle}
turn {angle} counterclockwise
rotate to the left by {angle}
left {angle}
{angle} to the left
turn to the left {angle}
turn to the left by {angle}
rotate left by {angle}
rotate to the left {angle}
rotate {angle} to the left
spin left by {angle}
spin to the left {angle}
swing left by {angle}
pivot to the left {angle}
veer left {angle}
veer {angle} to the left
go left by {angle}
turn yourself {angle} left
turn yourself left {angle}
rotate yourself {angle} to the left
turn anticlockwise {angle}
rotate anticlockwise {angle}
rotate anticlockwise by {angle}
turn {angle} anticlockwise
spin counterclockwise {angle}
spin {angle} counterclockwise
could you turn left {angle}
i need you to turn left {angle}
turn left about {angle}
turn left roughly {angle}
rotate left approximately {angle}
make a left turn of {angle}
do {angle} to the left
face {angle} to the left
{angle} left
face left {angle}

== turn_right
turn right {angle}
turn {angle} to the right
rotate right {angle}
rotate {angle} right
spin right {angle}
turn {angle} right
turn to your right {angle}
go right {angle}
pivot right {angle}
turn clockwise {angle}
rotate clockwise by {angle}
can you turn right {angle}
turn right by {angle}
swing right {angle}
look right {angle}
spin {angle} to the right
pivot {angle} to the right
swing {angle} to the right
go {angle} to the right
rotate {angle} clockwise
spin {angle} right
pivot right by {angle}
rotate clockwise {angle}
turn {angle} clockwise
right {angle}
{angle} to the right
turn to the right {angle}
turn to the right by {angle}
rotate right by {angle}
rotate to the right {angle}
rotate {angle} to the right
spin right by {angle}
spin to the right {angle}
swing right by {angle}
pivot to the right {angle}
veer right {angle}
veer {angle} to the right
go right by {angle}
turn yourself {angle} right
turn yourself right {angle}
rotate yourself {angle} to the right
turn clockwise by {angle}
spin clockwise {angle}
spin {angle} clockwise
rotate clockwise about {angle}
could you turn right {angle}
i need you to turn right {angle}
turn right about {angle}
turn right roughly {angle}
rotate right approximately {angle}
make a right turn of {angle}
do {angle} to the right
face {angle} to the right
{angle} right
face right {angle}

== turn_left_default
turn left
go left
rotate left
face left
turn to the left
turn to your left
take a left
hang a left
look left
pivot left
veer left
take a left turn
look to the left
go to the left
face to the left
rotate to the left
pivot to the left
veer to the left
look to your left
go to your left
face your left
rotate to your left
to the left
go left now
left turn
make a left
make a left turn
do a left turn
hook a left
swing left
swing to the left
spin left
spin to the left
turn left now
turn counterclockwise
turn anticlockwise
rotate counterclockwise
face the left
look over to the left
turn towards the left
turn toward your left
turn yourself left
point yourself left
could you turn left
bear left
bear to the left
rotate anticlockwise
point left

== turn_right_default
turn right
go right
rotate right
face right
turn to the right
turn to your right
take a right
hang a right
look right
pivot right
veer right
go right now
take a right turn
look to the right
go to the right
face to the right
rotate to the right
pivot to the right
veer to the right
look to your right
go to your right
face your right
rotate to your right
to the right
right turn
make a right
make a right turn
do a right turn
hook a right
swing right
swing to the right
spin right
spin to the right
turn right now
turn clockwise
rotate clockwise
face the right
look over to the right
turn towards the right
turn toward your right
turn yourself right
point yourself right
could you turn right
bear right
bear to the right
point right

== turn_around
turn around
turn back around
do a u turn
face the other way
spin around
about face
turn the other way
flip around
look behind you
do a one eighty
rotate around
turn yourself around
rotate one eighty
look back behind you
spin one eighty
turn to face the other way
turn yourself round
flip round
u turn
about turn
spin halfway around
rotate halfway around
look the other way
turn to face behind you
turn halfway around
turn round
do an about face
do an about turn
do a half turn
make a half turn
a half turn
half turn
do a one eighty turn
turn one eighty
one eighty
pull a one eighty
spin round
spin yourself around
rotate yourself around
flip yourself around
face behind you
face backwards
face the opposite way
face the opposite direction
turn the opposite way
turn in the other direction
turn and face the other way
turn to face the back
look the opposite way
check behind you
make a u turn
pull a u turn
swing around
swing round
whip around
turn yourself the other way
rotate to face the other way
spin to face the other way
turn halfway round
turn about
whip round
turn to face backwards

== nudge_left
turn left a little
turn a bit to the left
turn slightly left
rotate left a little
a little more to the left
nudge left
turn left just a bit
angle yourself a little left
angle yourself slightly left
nudge left a bit
rotate slightly left
a bit more to the left
nudge yourself left
rotate slightly to the left
angle left a bit
turn left a touch
a touch to the left
just a touch left
left a little
left a bit
a little left
a bit left
slightly left
a touch left
left a touch
a tad to the left
a tad left
turn left slightly
turn left a tiny bit
turn a little to the left
turn a touch to the left
rotate a bit to the left
rotate left a touch
rotate left a bit
nudge to the left
nudge a little to the left
angle a bit to the left
angle left slightly
veer slightly left
swing left a little
pivot left a bit
pivot slightly left
a little more left
a tiny bit to the left
just slightly to the left
veer left a little
swing a bit to the left

== nudge_right
turn right a little
turn a bit to the right
turn slightly right
rotate right a little
a little more to the right
nudge right
turn right just a bit
angle yourself a little right
angle yourself slightly right
nudge right a bit
rotate slightly right
a bit more to the right
nudge yourself right
rotate slightly to the right
angle right a bit
turn right a touch
a touch to the right
just a touch right
right a little
right a bit
a little right
a bit right
slightly right
a touch right
right a touch
a tad to the right
a tad right
turn right slightly
turn right a tiny bit
turn a little to the right
turn a touch to the right
rotate a bit to the right
rotate right a touch
rotate right a bit
nudge to the right
nudge a little to the right
angle a bit to the right
angle right slightly
veer slightly right
swing right a little
pivot right a bit
pivot slightly right
a little more right
a tiny bit to the right
just slightly to the right
veer right a little
swing a bit to the right

== spin
spin all the way around
do a full spin
turn all the way around
do a three sixty
spin in a full circle
do a complete turn
turn a full circle
do a full rotation
rotate three sixty
rotate all the way around
do a complete rotation
turn a complete circle
spin three sixty
rotate a full circle
spin all the way round
turn all the way round
spin round in a circle
make a complete turn
make a full circle
make a full turn
turn three sixty
do a full three sixty
do a full circle
do a complete circle
make a complete circle
go all the way around
go round in a full circle
turn in a full circle
rotate in a full circle
spin a full three sixty
rotate a full three sixty
turn a full three sixty
spin through three sixty
do a pirouette
do a little pirouette
do a twirl
twirl all the way around
spin a complete circle
go full circle
spin in a complete circle
rotate a complete circle
a full three sixty
one full rotation
do one full rotation
make a full rotation
do a full revolution
do one complete revolution
rotate one full turn
do a three sixty spin
spin the whole way round
turn the whole way around
rotate through three sixty

== stop
stop
stop stop
stop right there
stop now
halt
freeze
wait stop
hold on stop
don't move
stay there
stop moving
that's enough stop
cancel that
abort
never mind stop
hold it
stay where you are
stop what you're doing
emergency stop
quit moving
pause
wait
freeze don't move
halt right there
abort abort
freeze right there
cancel
that's enough
quit it
hold it right there
abort that
halt now
enough
stop right now
abort now
freeze now
stop that
please stop
stop the robot
stop where you are
stop it
cancel everything
stop everything
stay put
halt immediately
stop immediately
whoa
whoa stop
whoa whoa whoa
hold on
hold up
hang on
wait a second
wait a minute
wait wait
stop right away
don't go any further
no further
that's far enough
far enough
no more
not another inch
stay right there
stay right where you are
stay
remain where you are
don't move an inch
stand still
keep still
be still
hold still
hold your position
hold position
stop moving now
stop driving
stop rolling
stop turning
stop spinning
cut it out
knock it off
put the brakes on
hit the brakes
brake now
cancel the task
cancel what you're doing
abort the mission
abort mission
call it off
no don't
no no stop
no stop
stop stop stop
stop for a second
pause for a moment
pause right there
just stop
just wait
enough already
stop right this instant
freeze in place
hey stop
stand down
slam on the brakes
remain still
stop the task

== find
find {object}
look for {object}
search for {object}
go find {object}
locate {object}
hunt for {object}
try to find {object}
can you find {object}
help me find {object}
could you look for {object}
i can't find {object}
i lost {object}
go look for {object}
see if you can find {object}
track down {object}
search the house for {object}
i need to find {object}
have a look for {object}
find me {object}
go search for {object}
see if you can track down {object}
help me locate {object}
try to track down {object}
i can't locate {object}
hunt around for {object}
search around for {object}
i've lost {object}
hunt down {object}
try and locate {object}
look around for {object}
help me search for {object}
go locate {object}
track {object} down for me
have a look around for {object}
help me look for {object}
go and find {object}
locate {object} for me
could you search for {object}
can you locate {object}
please locate {object}
find {object} for me
i can't seem to find {object}
search everywhere for {object}
search high and low for {object}
look everywhere for {object}
look all over for {object}
scour the house for {object}
comb the house for {object}
check every room for {object}
do a search for {object}
run a search for {object}
seek out {object}
go hunting for {object}
go on a hunt for {object}
can you search for {object}
can you look for {object}
would you look for {object}
could you find {object}
could you track down {object}
can you track down {object}
i'm looking for {object}
i'm searching for {object}
i've been looking everywhere for {object}
{object} is missing
{object} has gone missing
{object} went missing
{object} are missing
i misplaced {object}
i've misplaced {object}
i can't find {object} anywhere
i lost track of {object}
{object} disappeared
help me track down {object}
help me hunt for {object}
i need help finding {object}
can you help me find {object}
could you help me look for {object}
go have a look for {object}
have a hunt for {object}
have a search for {object}
scout around for {object}
look around the house for {object}
sniff out {object}
try looking for {object}
try searching for {object}
start looking for {object}
go searching for {object}
i want you to find {object}
i need you to find {object}
i'd like you to look for {object}
please search for {object}
scour every room for {object}
comb through the house for {object}
seek {object}
scout the house for {object}

== where_is
where is {object}
where's {object}
where are {object}
do you know where {object} is
have you seen {object}
any idea where {object} is
where did i leave {object}
where did i put {object}
tell me where {object} is
do you know where i put {object}
where can i find {object}
is {object} around
where would {object} be
what room is {object} in
have you spotted {object}
have you seen {object} around
what room did i leave {object} in
have you spotted {object} anywhere
have you seen {object} anywhere
where's {object} at
can you tell me where {object} is
any idea where {object} went
tell me where {object} went
where could {object} be
do you happen to know where {object} is
have you noticed {object} anywhere
which room is {object} in
do you remember where i put {object}
do you remember where {object} is
do you know where i left {object}
tell me where i left {object}
where're {object}
where are {object} at
where's {object} gone
where has {object} gone
where have {object} gone
where did {object} go
where'd {object} go
where did i stick {object}
where did i drop {object}
where'd i leave {object}
where'd i put {object}
where did i last leave {object}
where was {object} last seen
where did you last see {object}
do you know where {object} ended up
where did {object} end up
where might {object} be
where do you think {object} is
where do you reckon {object} is
any clue where {object} is
any idea where i put {object}
any idea where i left {object}
do you remember where i left {object}
can you remind me where {object} is
remind me where i put {object}
remind me where {object} is
what room did i put {object} in
which room did i leave {object} in
in which room is {object}
have you come across {object}
have you seen where i put {object}
did you see {object} anywhere
did you see where i put {object}
do you have any idea where {object} is
where is {object} right now
where are {object} now
tell me where i put {object}
let me know where {object} is
what's the location of {object}
what did i do with {object}
where do you reckon i left {object}
got any clue where {object} is
where might i have put {object}

== bring_to_user
bring me {object}
get me {object}
fetch {object}
fetch me {object}
grab me {object}
bring {object} to me
bring {object} here
get {object} for me
can you bring me {object}
could you get me {object}
i need {object}
i want {object}
hand me {object}
pass me {object}
go get {object}
go grab {object}
bring over {object}
give me {object}
bring {object} over here
fetch {object} for me
could you fetch {object}
i'd like {object}
can i have {object}
go and get {object} for me
bring back {object}
get {object} and bring it to me
would you bring me {object}
get {object} over here
i'd like you to bring me {object}
i need {object} over here
hand over {object}
pass {object} over
bring {object} back to me
give {object} to me
grab {object} and bring it here
hand {object} to me
pass {object} to me
would you give me {object}
go grab {object} for me
fetch {object} and bring it here
go fetch {object}
go and fetch {object}
bring {object} over
bring {object} my way
send {object} over
send {object} my way
grab {object} for me
get {object} over to me
can you get {object} for me
can you grab me {object}
could you grab {object} for me
could you bring {object} over
would you fetch me {object}
would you mind getting me {object}
would you mind bringing me {object}
do you mind fetching {object}
i'd love {object}
i could use {object}
i could really use {object}
i'd like to have {object}
i want you to bring me {object}
i need you to get me {object}
i need you to fetch {object}
go get me {object}
go and grab me {object}
go and bring me {object}
run and get {object}
run and grab me {object}
nip and get {object}
fetch {object} over here
bring {object} over to me
carry {object} over to me
carry {object} to me
deliver {object} to me
return {object} to me
hand {object} over
hand {object} over to me
get hold of {object} for me
let me have {object}
can i get {object}
could i have {object}
could i get {object}
may i have {object}
bring {object} to where i am
go pick up {object} and bring it to me
pick up {object} and bring it here
deliver {object} over here
could you return {object} to me

== bring_to_place
bring {object} to {place}
take {object} to {place}
put {object} in {place}
carry {object} to {place}
move {object} to {place}
deliver {object} to {place}
bring {object} into {place}
take {object} over to {place}
drop {object} off in {place}
get {object} and take it to {place}
could you take {object} to {place}
carry {object} into {place}
leave {object} in {place}
put {object} away in {place}
return {object} to {place}
go put {object} away in {place}
put {object} away into {place}
drop off {object} in {place}
move {object} over to {place}
deliver {object} over to {place}
return {object} back to {place}
bring {object} back to {place}
get {object} into {place}
leave {object} over in {place}
put {object} back in {place}
put away {object} in {place}
carry {object} over to {place}
move {object} into {place}
drop {object} in {place}
take {object} into {place}
put {object} over in {place}
place {object} in {place}
set {object} down in {place}
stick {object} in {place}
pop {object} in {place}
pop {object} into {place}
stash {object} in {place}
store {object} in {place}
carry {object} back to {place}
haul {object} to {place}
bring {object} through to {place}
take {object} through to {place}
take {object} back to {place}
take {object} back into {place}
move {object} back to {place}
relocate {object} to {place}
transfer {object} to {place}
get {object} to {place}
get {object} over to {place}
deliver {object} into {place}
could you put {object} in {place}
can you take {object} to {place}
would you carry {object} to {place}
would you mind taking {object} to {place}
i want {object} in {place}
i need {object} in {place}
i'd like {object} in {place}
i want {object} moved to {place}
{object} needs to go to {place}
pick up {object} and take it to {place}
grab {object} and put it in {place}
fetch {object} and take it to {place}
go get {object} and bring it to {place}
tidy {object} away in {place}
put {object} away over in {place}
stash {object} away in {place}
store {object} away in {place}
haul {object} over to {place}
transfer {object} into {place}
relocate {object} into {place}

== describe
what do you see
what can you see
describe what you see
describe your surroundings
look around
tell me what you see
what's around you
what's in front of you
what is near you
look around and tell me what's there
what objects do you see
describe the room
what's in the room
anything interesting around
give me a description of what you see
scan the room
what are you looking at
can you see anything interesting
scan your surroundings
describe what's in front of you
look around the room
tell me what's in the room
do you see anything
what's around here
what do you see in here
what's in here
give me a rundown of what you see
what objects are nearby
what's nearby
look around and describe it
tell me what's around you
describe this room
have a look around
tell me what you can see
describe what's around you
what do you see around you
what's around
what's near you
what's close to you
what's next to you
what's close by
what do you notice
what do you notice around you
what can you spot
what do you spot
anything nearby
is there anything near you
is there anything in front of you
tell me what's nearby
tell me what's close to you
tell me what's in front of you
describe the area
describe the space around you
describe your view
describe what's near you
describe the scene
describe everything you see
paint me a picture of the room
what does the room look like
what does it look like there
what's it like in there
take a look around
take a look and tell me what you see
have a look and tell me what's there
have a look around the room
look about you
look around you
scan the area
scan around
do a scan of the room
survey the room
survey your surroundings
check out your surroundings
check what's around you
what's in view
what's in sight
what objects are around
what things can you see
list what you see
list the things around you
name what you see
what's lying around
report what you see
what are you seeing
what are you seeing right now
are there any objects around
describe the scene in front of you
tell me what's in sight
report on what's around you

== status
what's your status
status report
give me a status update
how are you doing on battery and location
report your status
status
tell me your status
what's your current state
give me an update
system status
how are things going robot
report in
tell me your current state
report your location and battery
what's your location and battery
give me a status report
report your current status
status update
what's your state
status check
run a status check
run a systems check
systems check
give me a report
what's your current status
update me
full status
full status report
give me a full report
give me your status
give me a quick update
quick status update
quick status
sitrep
give me a sitrep
what's the situation
what's your situation
report back
report status
current status
state your status
what's the status
what's the current status
how are your systems
run diagnostics
run a diagnostic
do a systems check
do a status check
check your systems
systems report
system check
system report
tell me your battery and location
where are you and how much battery do you have
battery and location
give me your battery and location
update me on your status
fill me in
fill me in on your status
catch me up
give me a rundown of your status
catch me up on your status

== battery
how's your battery
what's your battery level
how much battery do you have
how much charge do you have left
battery status
are you low on battery
do you need to charge
what's your charge level
is your battery ok
how much power do you have
check your battery
are you running low on power
how much power is left
check your battery level
are you running low
how's your charge
how much battery is left
how's the battery
battery check
do you need charging
what's your power level
is your battery low
battery level
what's your battery at
are you running out of battery
how's your power
how's your power level
how much juice do you have
how much juice is left
how much juice have you got
how much charge have you got
how charged are you
are you charged
are you fully charged
are you charged up
what percentage are you at
what percent is your battery
what's your battery percentage
battery percentage
how much battery have you got left
how long will your battery last
how long can you run
is your battery running low
is your battery dying
is your battery about to die
are you out of power
do you have enough power
do you have enough charge
do you have enough battery
do you need a charge
do you need to recharge
are you due for a charge
how's your battery doing
how's your battery holding up
power level
power check
charge level
check your charge
check your power
tell me your battery level
what percent are you at

== where_are_you
where are you
where are you right now
what room are you in
which room are you in
where are you at
where did you go
tell me where you are
what's your location
are you in the kitchen or somewhere else
where are you now robot
which room are you in right now
tell me your location
in which room are you
where'd you go
what room are you in now
robot where are you
what's your current location
report your location
give me your location
where are you hiding
where did you get to
where have you gone
where'd you get to
where are you located
where exactly are you
what room are you currently in
which room are you currently in
what part of the house are you in
where in the house are you
whereabouts are you
what are your whereabouts
tell me where you're at
tell me which room you're in
let me know where you are
what's your position
what's your current position
report your position
give me your position
where did you end up
where have you ended up
where did you wander off to
i can't see you where are you
robot where'd you go
where are you located right now
which part of the house are you in
where did you wander to
