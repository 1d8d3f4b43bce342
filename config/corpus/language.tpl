# Slot values, multi-step connectors, politeness, fillers and ASR near misses.

== slot name
anna
ben
carlos
diana
emma
farid
grace
hiro
ines
jack
kofi
lena
maya
noah
olga
priya
quinn
rosa
sam
tom
uma
victor
wei
yusuf
zoe
liam
sofia
omar
chloe
mateo
aisha
lucas
nina
david
elena
james
mia
ethan
fatima
jonas

== slot thing
jazz
pizza
football
chocolate
hiking
cats
dogs
reading
gardening
rock music
spicy food
ice cream
basketball
old movies
cooking
tennis
sushi
painting
board games
classical music
swimming
strawberries
science fiction
yoga

== slot relative
sister
brother
mother
father
mom
dad
wife
husband
son
daughter
friend
neighbor
boss
grandma
grandpa
aunt
uncle
cousin
partner
roommate

== slot when
# Time words of statements about the past ("i put the keys in the kitchen {when}"): phrasing
# the model learns, any template may use them.
yesterday
earlier
earlier today
this morning
last night
a while ago
an hour ago
just now
before lunch
the other day
this afternoon
a minute ago
before
after dinner
last week

== slot unknown_place
garage
attic
basement
garden
balcony
dining room
laundry room
guest room
patio
porch
cellar
pool
driveway
backyard
closet
nursery
gym
library
shed
terrace

== slot unknown_object
laptop
umbrella
glasses
wallet
headphones
scissors
hat
jacket
shoes
pen
towel
blanket
pillow
tablet
camera
watch
sunglasses
slippers
newspaper
plate
spoon
toothbrush
medicine
candle

== connector
{a} and then {b}
{a} then {b}
{a} and {b}
first {a} then {b}
first {a} and then {b}
{a} and after that {b}
{a} after that {b}
{a} and when you're done {b}
{a} followed by {b}
{a} and once you're there {b}
{a} next {b}
{a} and next {b}
{a} and afterwards {b}
{a} then after that {b}
{a} and right after {b}
{a} and finally {b}
{a} and also {b}
{a} and when you get there {b}
{a} then finally {b}
{a} finally {b}
{a} and then finally {b}
first {a} and finally {b}
{a} and lastly {b}
{a} then lastly {b}
{a} and to finish {b}
{a} then next {b}
first {a} next {b}
{a} and then next {b}
{a} and next up {b}
{a} and then after that {b}
first {a} after that {b}
{a} and right after that {b}
{a} right after that {b}
{a} and once that's done {b}
{a} once that's done {b}
{a} then once that's done {b}
first {a} and once that's done {b}
{a} and once you're done {b}
{a} when you're done {b}
{a} then when you're done {b}
{a} and when you're finished {b}
{a} when you're finished {b}
{a} and when that's done {b}
{a} when that's done {b}
{a} also {b}
{a} then also {b}
{a} and then also {b}
{a} and also after that {b}
{a} and {b} too
{a} and {b} as well
{a} and then right away {b}
{a} then right after {b}
{a} and straight after {b}
{a} then straight away {b}
{a} first and then {b}
{a} first then {b}
first {a} followed by {b}
{a} then followed by {b}
{a} and follow that with {b}
{a} followed next by {b}
{a} afterwards {b}
{a} then afterwards {b}
{a} and as soon as that's done {b}
{a} and once you've done that {b}
{a} once you're there {b}
{a} and after you're done {b}
{a} and when that's finished {b}
{a} and as soon as you're done {b}
{a} as soon as you're done {b}
{a} and once you've finished {b}
{a} once you've finished {b}
{a} and when you've finished {b}
{a} and then once you're done {b}
{a} and then when you're done {b}
{a} and after you've done that {b}
{a} after you've done that {b}
{a} and afterward {b}
{a} afterward {b}
{a} and subsequently {b}
{a} and directly after {b}
{a} then directly after that {b}
{a} and immediately after {b}
{a} then immediately {b}
{a} and then straight after that {b}
{a} and when you're through {b}
{a} and when that's over {b}
{a} and after that's done {b}
{a} then once you've done that {b}
first {a} and second {b}
first {a} and after that {b}
{a} then as soon as that's done {b}
{a} and on top of that {b}
{a} and then afterwards {b}
{a} and later {b}
{a} and then later {b}

== prefix
please
could you
can you
would you
would you please
could you please
hey robot
robot
okay
ok robot
i want you to
i'd like you to
go ahead and
quickly
hey can you
um
so
alright
now
i need you to
will you
kindly
um could you
hey buddy can you
right so
hey
hey there
excuse me
excuse me robot
robot please
please robot
can you please
will you please
could you kindly
hey robot could you
robot can you
robot could you
do me a favor and
just
okay robot
alright robot
hey robot please
hi robot can you
so can you
can you quickly
buddy
ok so

== suffix
please
thanks
thank you
now
right now
for me
if you can
if you don't mind
when you can
quickly
please and thank you
buddy
okay
real quick
would you
thanks robot
please robot
if you would
if possible
when you get a chance
at once
immediately
right away
straight away
thanks a lot
cheers
ok
okay thanks
will you
could you
can you
for me please
thank you robot
now please
if that's okay
when you're ready

== disfluency
um
uh
er
erm
hmm
like
so
well
you know
i mean
oh
okay so
let's see
uh so

== confusion
kitchen => kitten | kitchens | chicken
living => leaving | livin
bedroom => bed room | bedrooms
bathroom => bath room | bathrooms
office => offices | off is
hallway => hall way | holloway
charging => charting | charge in
dock => doc | duck
keys => kees | keyes
cup => cop | cap
remote => remo | remotes
book => books | buck
bottle => bottles | battle
phone => fone | foam
apple => apples | apel
backpack => back pack | backpacks
turn => tern | turned
left => lift | laughed
right => write | rite
forward => foreword | for word
backward => backwards | back word
backwards => backward | back words
meters => meter | matters
metres => meters | meter
degrees => degree | decrees
bring => ring | brain
find => fine | fined
stop => stopped | stops
please => pleas | plees
thirsty => thursday | thirstie
hungry => hungary | hungrier
robot => row bot | robert
there => their
remember => remembered
forget => forgot
around => a round
describe => the scribe
battery => battle ray | batteries
where => wear | were
