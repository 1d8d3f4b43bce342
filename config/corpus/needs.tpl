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
