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

== need cup
i want to make some tea
i'd like some coffee
i need something to drink from
i want to pour myself a drink
i need a mug for my coffee
i'm making tea
i want a hot drink
i need a cup for my tea

== need backpack
i'm going to school
i need to pack my things
i'm going hiking
i have to pack for my trip
i need to carry my stuff
i'm off to the gym
i need my school things
