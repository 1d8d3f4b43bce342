# Conversation only: no actions.

== greeting
hello
hi
hey
hi there
hello there
hey there
good morning
good afternoon
good evening
hey robot
hello robot
hi buddy
yo
howdy
greetings
morning
hey hey
hi again
hello again
good to see you
good to see you again
hey buddy
good afternoon robot
good evening robot
hello buddy
good morning robot
evening
hello again robot
hey it's me again
morning robot
hi robot
hi it's me
hey there robot
hello hello
nice to see you
hiya
heya
hey hi
hi hi
good day
g'day
hey you
hello you
yo robot
hey there buddy
hi there buddy
hi there robot
hello there robot
hiya robot
morning buddy
good morning buddy
good morning to you
good evening to you
afternoon
afternoon robot
evening robot
top of the morning
rise and shine
hey i'm back
i'm back
i'm home
i'm home robot
hello i'm home
hi i'm back
guess who's back
long time no see
nice to see you again
great to see you
lovely to see you
hey good to see you
hello my friend
hi friend
hey friend
greetings robot
salutations
ahoy there

== thanks
thanks
thank you
thank you so much
thanks a lot
many thanks
cheers
thanks robot
thank you very much
i appreciate it
great job thanks
nice work thank you
thanks for your help
that was helpful thanks
much appreciated
perfect thank you
awesome thanks
i appreciate your help
great thank you
thank you that's perfect
thank you for your help
thanks that's great
i really appreciate it
nice one thanks
thanks so much
thanks for the help
thanks so much robot
thanks buddy
thank you buddy
ta
ta very much
cheers mate
cheers robot
cheers for that
thanks for that
thank you for that
thanks a bunch
thanks a million
a million thanks
thank you kindly
much obliged
you're a lifesaver thanks
you've been a great help
that's very kind of you
that's so kind thank you
brilliant thanks
lovely thanks
perfect thanks
excellent thank you
nice thank you
great stuff thanks
good job thank you
that's exactly what i needed thanks
thank you very much indeed
thanks ever so much
thanks heaps
many thanks robot
thank you i really appreciate it
i owe you one
appreciate it
thanks for doing that

== farewell
goodbye
bye
bye bye
see you later
see you
good night
talk to you later
i'm going to bed
that's all for now
catch you later
have a good night
i'm off
later
see you tomorrow
see ya
talk to you tomorrow
catch you tomorrow
see ya later
goodbye robot
good night robot
bye robot
i'm going to sleep now
i'm heading to bed
bye for now
night night
later robot
talk to you soon
see you soon
time for bed
until next time
bye now
bye then
bye for today
goodbye for now
goodbye then
night
nighty night
good night buddy
sleep well robot
sweet dreams
take care
take care robot
take it easy
have a good one
have a nice day
have a good day
have a great evening
enjoy your evening
cheerio
ta ta
toodles
so long
farewell
i'm heading off
i'm off now
gotta go bye
gotta run
that's it for today
that's all for today
that'll be all
we're done for today
i'm done for the day
i'm calling it a night
i'm turning in
off to bed
bedtime for me
i'm off to bed
speak to you later
speak soon
until tomorrow
see you in the morning
see you around
laters
later buddy

== how_are_you
how are you
how are you doing
how's it going
how do you feel
are you ok
how have you been
what's up
how are things
are you doing well
how's your day going
you alright
how's your day been
are you doing ok
are you alright
how's it going robot
how have you been doing
you doing ok
how was your day
how are you holding up
everything ok with you
how's everything
how are you today
how are you feeling
how are you feeling today
how you doing
how ya doing
how's life
how's life treating you
how's things
how's your day
how's your evening going
how's your morning been
how've you been
you good
you okay
are you okay
all good with you
are you feeling ok
are you well
you doing alright
everything alright
everything good with you
how are you getting on
what's new with you
what's going on with you
how goes it
how's everything going
are you having a good day
did you have a good day

== about_self
who are you
what are you
what's your name
tell me about yourself
are you a robot
who made you
are you connected to the internet
do you use the cloud
are you listening to me
what kind of robot are you
introduce yourself
are you smart
do you have a name
are you an ai
tell me a bit about yourself
do you store my data in the cloud
what kind of assistant are you
do you need the internet
do you need wifi
is my data private
who built you
describe yourself
who created you
who designed you
what exactly are you
are you a person
are you a real person
are you human
are you alive
what is your name
who am i talking to
who's this
what should i call you
have you got a name
what do they call you
what do people call you
are you a machine
are you a computer
are you a real robot
are you artificial intelligence
are you a chatbot
what sort of robot are you
what model are you
how old are you
when were you made
when were you built
where were you made
where do you come from
who owns you
who programmed you
who's your maker
who's your creator
do you have feelings
do you have emotions
can you feel things
are you conscious
do you sleep
do you dream
do you have a brain
what's inside you
how do you work
how do you understand me
do you run offline
do you work offline
do you work without the internet
are you recording me
do you record what i say
do you send my data anywhere
where is my data stored
is everything kept local
do you keep my data on the device
are you always listening
can you hear me

== capabilities
what can you do
what are you able to do
how can you help me
what can i ask you
what are your skills
what do you know how to do
what commands do you understand
can you help me
help
what can i say
what are you good at
what are you for
are you able to help me
what do you understand
what should i ask you
what commands can i give you
list your skills
what can you help me with
what can you help with
i need help
what are you capable of
what can you do for me
what else can you do
what are your abilities
what abilities do you have
what features do you have
what are your features
how do i use you
what do i say to you
what can i tell you to do
what sort of things can you do
what kind of things can you do
what kind of things can i ask
give me some examples of commands
give me an example
what are some things i can say
how can you be useful
what are you useful for
what jobs can you do
what tasks can you do
what tasks can you handle
what is it you do
what do you do
show me what you can do
tell me what you can do
tell me your skills
tell me your commands
list your commands
what are the commands
i don't know what to ask
what are my options
what options do i have

== small_talk
i'm tired
it's a nice day
i had a long day
i'm bored of this weather
it's cold today
it's hot in here
i love this song
today was great
work was stressful
i'm happy
i'm feeling a bit down
you're funny
you're a good robot
i like you
this is cool
that's interesting
nice
wow
oh really
good job
i'm feeling great
oh wow
i'm so happy today
nice job
that's funny
that's so cool
what a day
good robot
work was busy today
you're doing great
i like your voice
i'm a bit sleepy
i'm feeling sad
i'm in a good mood
i'm in a bad mood
you're smart
it's freezing today
you're awesome
it's so sunny today
you're the best robot
today was rough
i'm exhausted
what a lovely day
what a beautiful morning
it's raining again
it's pouring outside
it's so windy out
it's a bit chilly
it's warm today
it's boiling in here
it's chilly in here
the weather is lovely
i had a great day
i had a terrible day
i had a rough day at work
work was fine
work was exhausting
my day was fine
today was a good day
it's been a long week
finally the weekend
i can't wait for the weekend
thank god it's friday
monday again
i got a promotion
i passed my driving test
i just got back from a walk
i went for a run today
i cooked dinner tonight
i made pancakes this morning
i'm so proud of you
you're cute
you're clever
you're a star
you make me laugh
i missed you
you're my favorite robot
i'm feeling lonely
i'm a bit stressed
i'm stressed out
i'm nervous about tomorrow
i'm so excited
i'm feeling good today
i feel great
i feel awful
i'm feeling under the weather
i'm not feeling great
life is good
that's amazing
that's hilarious
how interesting
interesting
no way
seriously
you don't say
oh dear
oh no
ugh
what a mess
guess what
i'm learning to play guitar
i've been so busy lately
the house is so quiet today
i just woke up
i slept really well

== joke
tell me a joke
make me laugh
do you know any jokes
say something funny
got any jokes
tell me something funny
i need a laugh
know any good jokes
say something to make me laugh
do you know a good joke
tell me a funny joke
got a joke for me
say a joke
know any jokes
tell me a robot joke
can you tell me a joke
could you tell me a joke
be funny
do you have any jokes
any jokes
make me smile
tell me another joke
another joke
one more joke
give me a joke
hit me with a joke
crack a joke
crack me up
can you crack a joke
tell me something silly
say something silly
entertain me
cheer me up with a joke
i could use a laugh
make me giggle
tell me a dad joke
tell me a pun
do you know any puns
got any puns
tell me a funny story
any good jokes
got any good ones
tell me your best joke
what's your best joke
what's your favorite joke
do you know any knock knock jokes
tell me a knock knock joke
say something hilarious
make me chuckle
got a pun for me
entertain me with a joke

== acknowledge
ok
okay
alright
sure
yes
yeah
no
nope
got it
cool
great
fine
sounds good
right
okay then
all good
no thanks
not now
maybe later
i see
ok cool
not right now
sounds great
alright then
that's fine
maybe
sure why not
i'm good
that's okay
it's fine
oh i see
good
not really
sure thing
no problem
okey dokey
ok then
ok sure
okay sure
yep
yup
yes please
no thank you
nah
nah i'm good
no i'm fine
that's alright
it's alright
all right
right then
fair enough
understood
roger
roger that
copy that
noted
gotcha
makes sense
that makes sense
perfect
excellent
lovely
brilliant
sounds fine
sounds about right
works for me
if you say so
whatever
not at the moment
not yet
perhaps
i guess
i suppose so
definitely
absolutely
of course
yes of course
uh huh
mm hmm
no worries
don't worry about it

== offline
what's the weather like
what's the weather tomorrow
what time is it
what's the date today
what's the news
play some music
search the internet for recipes
who won the game last night
what's the stock market doing
look up a recipe for pasta
set an alarm for seven
order some groceries
call an uber
what's the capital of france
what's the news today
look up the score
what's the score of the game
what time is it now
what's today's date
play my playlist
put on some music
call a taxi
order a pizza
who is the president
what's the weather going to be
is it going to rain
will it rain today
play the radio
read me the news
what's the weather like today
what's the forecast
what's the forecast for tomorrow
what's the weather this weekend
will it be sunny tomorrow
how hot is it outside
what's the temperature outside
is it cold outside
is it going to snow
check the weather
look up the weather
what are the headlines
give me the headlines
what's happening in the world
any news today
what's trending
check my email
read my emails
send an email to my boss
order me a taxi
book a cab
book me a taxi to the airport
order a takeaway
order some chinese food
order dinner online
buy some groceries online
play something on spotify
play a podcast
what's the time
what day is it
what year is it
how many days until christmas
when is sunset today
what time does the supermarket open
google something for me
search online for cheap flights
look up restaurants nearby
book a table for two
book a flight to london
how's the traffic
what's the exchange rate
how much is bitcoin worth
who won the match
what's the latest score
translate this into spanish
how do you say hello in french
who wrote hamlet
how far away is the moon
is the wifi working
what's the wifi password
connect to the wifi
check if the internet is down
set a timer for ten minutes
