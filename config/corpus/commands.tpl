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
