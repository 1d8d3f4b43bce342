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

== nudge_left
turn left a little
turn a bit to the left
turn slightly left
rotate left a little
a little more to the left
nudge left
turn left just a bit
angle yourself a little left

== nudge_right
turn right a little
turn a bit to the right
turn slightly right
rotate right a little
a little more to the right
nudge right
turn right just a bit
angle yourself a little right

== spin
spin all the way around
do a full spin
turn all the way around
do a three sixty
spin in a full circle
do a complete turn
turn a full circle
do a full rotation

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
