# Indirect requests: a need that implies an object, answered by bringing it to the user.

== need water bottle
i'm thirsty
i'm so thirsty
i need a drink
i could use a drink
i'm parched
my throat is dry
i need some water
i want something to drink
can i get something to drink
i'm dehydrated
i haven't had anything to drink all day
i'm dying of thirst
i could really use some water
my throat is parched
i want some water
i need something to quench my thirst
can i get some water
i'm dying for a drink
i'm really thirsty
my mouth is so dry
i need to drink some water
i could use a sip of water
i need a sip of water
i'm completely parched
i haven't drunk any water today
i'm really parched
i'm gasping for a drink
i'm so dry
my mouth is dry
i'm thirsty after my workout
i just worked out and i'm thirsty
i need to hydrate
i need to stay hydrated
i should drink more water
i haven't been drinking enough water
i need to rehydrate
i'm sweating and thirsty
it's so hot i need some water
i need water
i'd love some water
i'd like some water
i'd love a drink of water
i could do with a drink
i could do with some water
i want a drink of water
i'm craving water
i need some water to take my pills
thirsty
so thirsty
i need a drink after that run
i need water for my workout
need a drink
i'm dying for some water
i feel dehydrated
i'm feeling dehydrated
i need a drink before my workout
i'm gasping for some water
i'm sweating buckets

== need apple
i'm hungry
i'm starving
i could use a snack
i want something to eat
i need a snack
my stomach is growling
i'm a bit peckish
i feel like eating some fruit
i haven't eaten all day
i need something healthy to eat
i feel a bit peckish
i want a healthy snack
i could use something to eat
i want some fruit
i'm so hungry
i need some fruit
i feel like having a snack
i'm really hungry
i'm absolutely starving
my stomach is empty
i need something to eat
i could eat something
i'm starving to death
i haven't had breakfast
i'm peckish
i'm feeling peckish
i'm famished
i'm ravenous
i'm so hungry i could eat a horse
i need a bite to eat
i could use a bite
i want a bite to eat
i skipped lunch
i missed lunch
i didn't have lunch
i haven't eaten since breakfast
i haven't had lunch yet
my tummy is rumbling
my stomach is rumbling
my tummy's growling
i need some food
i fancy some fruit
i fancy a snack
i'm in the mood for some fruit
i'd like a piece of fruit
i want a piece of fruit
i'm craving fruit
i'm craving something crunchy
i need a quick snack
i need an afternoon snack
i want a snack before dinner
i feel hungry
hungry
so hungry
i'm low on energy and hungry
i need a healthy bite
i'm absolutely famished
my tummy is empty

== need keys
i need to lock the door
i'm heading out
i'm leaving for work
i have to drive somewhere
i need to go out
i'm going out now
i want to lock up
i can't get into the car
i need to open the front door
time to leave the house
i can't open the front door
i need to get into the car
i want to lock the house
i'm going for a drive
i'm leaving the house now
i'm about to leave for work
i'm heading out the door
i need to unlock the front door
i need to unlock the car
i can't unlock the door
i need to go out for a bit
i'm about to head out
time to head out
i need to lock the car
i'm off to work
i'm going out for a while
i'm popping out
i'm nipping out
i'm just popping out to the shops
i'm going to the shops
i'm going to the store
i need to go to the store
i have to drive to work
i need to drive to the store
i need to move the car
i want to take the car out
i'm taking the car
time to go to work
i'm running late for work
i'm late for work
i'm going to be late for work
i need to get out the door
i need to leave now
i have to leave soon
we're leaving in five minutes
i need to lock up before bed
i need to lock the back door
i want to check the mailbox
i need to start the car
i have to pick up the kids
i need to pick someone up from the station
i need to run some errands
i have errands to run
i'm heading to the car
the car is locked
the front door is locked
i can't get the door open
i need to open the mailbox

== need remote control
i want to watch tv
let's watch a movie
i want to change the channel
turn on the tv for me
the tv is too loud
i want to watch the news
put something on the tv
i'd like to watch something
i can't change the channel from here
what's on tv tonight
i'd like to watch a movie
i want to put on a movie
let's watch a film tonight
i want to watch a film
let's watch some tv
i want to turn off the tv
the tv is too quiet
i can't hear the tv
i want to watch some tv
the tv is on the wrong channel
i want to pause the movie
i want to watch my show
my show is about to start
i want to mute the tv
the game is about to start
the match is starting
the football is on
the news is starting
my programme is on
my series is starting
there's a good film on
i want to see what's on
i want to flick through the channels
let me flip through the channels
i want to channel surf
i want to switch channels
i need to change the channel
i need to turn the tv down
i need to turn the volume down
i want to turn the volume up
i need to turn up the volume
the volume is too high
the volume is way too low
the tv needs to be louder
i can barely hear the tv
i want to turn the telly on
i'd like to watch telly
let's watch telly
i want to switch on the tv
i need to switch the tv off
i want to binge watch my series
i want to watch cartoons
i want to catch the news
i don't want to miss my show
i want to rewind the show
i want to skip the ads
i want to skip this episode
the kids want to watch cartoons

== need phone
i need to call my mom
i have to make a call
i want to text my friend
i need to check my messages
i'm waiting for a call
i want to call someone
i need to send a message
did anyone call me
i need to check the time on my phone
i have to call the doctor
has anyone called me
did i miss any calls
i want to send a text
i need to make a phone call
i need to text someone
i want to call my friend
did anyone text me
is someone calling me
i feel like calling my mom
do i have any new messages
i have to reply to a message
did someone text me
did someone call me
i think someone is calling me
i need to check my texts
i need to phone the office
i need to ring my mum
i need to give my sister a call
i should call my dad
i promised to call my friend back
i need to call someone back
i have to return a call
i think i missed a call
i'm expecting a call
i'm expecting an important call
i need to check my notifications
i want to check my notifications
i need to look at my messages
i need to reply to my friend
i should text my mom back
i want to message my friend
i need to send a whatsapp message
i want to take a selfie
i need to set my alarm
i need to set my alarm for tomorrow
i have to set my alarm
is my phone ringing
i hear my phone ringing
i want to call my sister
i need to phone my mom
i need to make a quick call
i need to check my calendar
i want to look at my photos
did anybody ring
has anybody rung me
any missed calls
any new texts
did i get any messages
i'm waiting for a text
i need to check my schedule
did i get a whatsapp

== need book
i'm bored
i want to read
i feel like reading
i need something to read
i want to finish my novel
i'd like to read for a while
let me read for a bit
i need my reading material
i want to study
i need to do some reading
i feel like reading for a while
i'd like something to read
i want to read my novel
let me do some reading
i'm so bored
i feel like reading a book
i'd like to do some reading
i'm really bored
i need my book for class
i need to read for class
i need to study for my exam
i want something good to read
i'm in the mood for a good book
i'm in the mood to read
i'm bored out of my mind
there's nothing to do
i have nothing to do
i've got an exam tomorrow
i have a test tomorrow
i need to revise
i need to revise for my exam
i have homework to do
i need to do my homework
i have to finish my homework
i need to prepare for class
i have a book report due
i need to finish my reading for class
i want to carry on reading
i want to pick up where i left off reading
i'd like to curl up and read
i want to read before bed
i want to read something before i sleep
it's time for a bedtime story
i want a bedtime story
the kids want a bedtime story
i need to look something up in my textbook
i want to read a chapter
i want to read a few pages
let me finish my chapter
i want to get back to my story
i'm in the middle of a good story
i'm studying tonight
i have to study
i need to study
i need my textbook for class

== need cup
i want to make some tea
i'd like some coffee
i need something to drink from
i want to pour myself a drink
i need a mug for my coffee
i'm making tea
i want a hot drink
i need a cup for my tea
i'd like a cup of tea
i need something to pour my coffee into
i need something to pour my tea into
i want to make a hot chocolate
i need a mug for my tea
i'm making coffee
i need a cup for my coffee
i want to pour myself some milk
i'd love a hot drink
i need something to drink my tea from
i want to drink my tea
i want some coffee
i want some tea
i want to have some tea
i'm putting the kettle on
i've just boiled the kettle
the kettle's boiled
i fancy a cuppa
i'd love a cuppa
time for a cuppa
time for tea
time for my morning coffee
i need my morning coffee
i need coffee
i need caffeine
i could use a coffee
i could murder a cup of tea
i'm brewing some coffee
the coffee is ready
the tea is ready
i want to make a cup of coffee
i'd like an espresso
i'm making an espresso
i want to make cocoa
i need something to pour the milk into
i need something to put my juice in
i need a mug
i need a clean mug
i'd like a mug of hot chocolate
i want a cup of coffee
let's have some tea
tea time
i need a caffeine fix
i'd like some cocoa
i'm brewing a pot of tea

== need backpack
i'm going to school
i need to pack my things
i'm going hiking
i have to pack for my trip
i need to carry my stuff
i'm off to the gym
i need my school things
i'm heading off hiking
i'm heading to the gym
i have to pack my things for the trip
i'm going on a school trip
i need to pack my stuff
i'm going to the gym
i'm heading to school
i'm off on a trip
i need something to carry my things in
i need something to carry my books in
i'm going for a hike
i'm going on a hike today
i need to pack for school
i'm off to school
i'm going camping
we're going camping this weekend
i'm going on a day trip
i'm going on holiday
i'm going on vacation
i'm packing for the weekend
i need to pack for the weekend
i need to pack for a hike
i need to pack my lunch
i need to pack my gym clothes
i'm off to class
i'm heading to class
i'm going to college
i'm off to uni
i'm off to university
i have to go to school now
the kids are going to school
i have too much to carry
i can't carry all this
i need something to put my stuff in
i need a bag
i need a bag for my things
i'm going trekking
i'm going for a walk in the mountains
we're hiking tomorrow
i'm going on a field trip
i'm taking a trip this weekend
