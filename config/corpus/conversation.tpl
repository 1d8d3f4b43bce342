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

== joke
tell me a joke
make me laugh
do you know any jokes
say something funny
got any jokes
tell me something funny
i need a laugh
know any good jokes

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
