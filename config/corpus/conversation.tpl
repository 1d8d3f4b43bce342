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
