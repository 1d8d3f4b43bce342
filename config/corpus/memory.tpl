# Memory: statements, questions, corrections ("actually ..."), forgetting.

== remember_location
{object} is in {place}
{object} are in {place}
i left {object} in {place}
i put {object} in {place}
i left {object} in {place} this morning
i put {object} in {place} yesterday
i dropped {object} off in {place} last night
i put {object} in {place} a while ago
i stuck {object} in {place} before lunch
i set {object} down in {place} this afternoon
remember that {object} is in {place}
remember {object} is in {place}
just so you know {object} is in {place}
{object} is over in {place}
i keep {object} in {place}
fyi {object} is in {place}
note that {object} is in {place}
i dropped {object} in {place}
i think i left {object} in {place}
make a note that {object} is in {place}
{object} should be in {place}
i've put {object} in {place}
make a note i left {object} in {place}
remember {object} is over in {place}
fyi i left {object} in {place}
i think {object} is in {place}
i left {object} over in {place}
i dropped off {object} in {place}
we keep {object} in {place}
{object} are over in {place}
please remember that {object} is in {place}
note {object} is in {place}
i've left {object} in {place}
i just left {object} in {place}
i usually keep {object} in {place}

== correct_location
actually {object} is in {place}
actually i left {object} in {place}
no {object} is in {place}
sorry {object} is in {place} not there
correction {object} is in {place}
wait i moved {object} to {place}
actually {object} are in {place}
no wait {object} is in {place} now
i was wrong {object} is in {place}
update {object} is in {place} now
i moved {object} to {place}
scratch that {object} is in {place}
scratch that i left {object} in {place}
correction {object} is actually in {place}
that's wrong {object} is in {place}
{object} is not there it's in {place}
update {object} is now in {place}
actually i moved {object} to {place}
no {object} is actually in {place}
sorry i meant {object} is in {place}
i meant {object} is in {place}
no no {object} is in {place}
i've moved {object} to {place}
i just moved {object} to {place}
actually {object} is in {place} now
that's not right {object} is in {place}

== forget_location
forget where {object} is
forget about {object}
you can forget where {object} is
never mind where {object} is
delete what you know about {object}
forget the location of {object}
stop remembering where {object} is
erase {object} from your memory
forget what i said about {object}
clear your memory about {object}
never mind about {object}
delete the location of {object}
clear the location of {object}
erase where {object} is
clear {object} from memory
delete where {object} is
drop what you know about {object}
disregard what i said about {object}
disregard where {object} is
stop tracking {object}

== remember_name
my name is {name}
i'm {name}
call me {name}
you can call me {name}
i am {name}
this is {name}
it's {name} here
the name's {name}
people call me {name}
remember my name is {name}
please call me {name}
hi i'm {name}
hello my name is {name}
just call me {name}
hey i'm {name}
i am called {name}
remember that my name is {name}
hi my name is {name}
hello i'm {name}
my name's {name}
i'm called {name}
{name} here
please remember my name is {name}
hi there i'm {name}
name's {name}
by the way my name is {name}
i'm {name} by the way
by the way i'm {name}
hey my name is {name}
hey there my name is {name}

== correct_name
actually my name is {name}
no my name is {name}
actually it's {name}
that's not my name it's {name}
no it's {name}
wrong name i'm {name}
actually call me {name}
sorry my name is actually {name}
i said {name} not that
correction my name is {name}
no call me {name}
that's wrong my name is {name}
correction i'm {name}
that's not my name i'm {name}
wrong i'm {name}
no no it's {name}
it's {name} not that
it's {name} actually
no i'm {name}
i'm actually {name}
actually i'm {name}
call me {name} instead
please call me {name} instead

== ask_name
what's my name
do you know my name
who am i
do you remember my name
what did i say my name was
what do you call me
say my name
tell me my name
you know who i am
what name did i give you
do you remember who i am
can you tell me my name
do you know who i am
did i tell you my name
what name did i tell you
what did i tell you my name was
what name do you have for me
what's the name you have for me
say my name again
what's my name again
you remember my name right

== forget_name
forget my name
forget what my name is
don't remember my name
delete my name
erase my name
you can forget my name
stop calling me by my name
clear my name from your memory
delete my name from your memory
erase my name from memory
clear my name
stop using my name
don't keep my name
please forget my name
no need to remember my name
you don't need my name anymore
don't call me by my name anymore

== remember_likes
i like {thing}
i love {thing}
i really like {thing}
my favorite is {thing}
i'm a big fan of {thing}
i enjoy {thing}
remember that i like {thing}
i'm really into {thing}
you should know i love {thing}
i'm crazy about {thing}
my favorite thing is {thing}
i adore {thing}
i've been really into {thing} lately
you should know i'm a fan of {thing}
i'm really crazy about {thing}
{thing} is my favorite thing
remember i love {thing}
i'm into {thing}
i really enjoy {thing}
i really adore {thing}
i'm a fan of {thing}
i just love {thing}
{thing} is my favorite
my favorite thing in the world is {thing}
i'm super into {thing}
i enjoy {thing} a lot
i like {thing} a lot

== ask_likes
what do i like
do you remember what i like
what's my favorite thing
what am i into
what did i say i like
tell me what i like
what do you know about my taste
remind me what i like
do you know my favorite thing
remind me what i'm into
tell me what i'm into
what am i passionate about
do you know what i like
what did i tell you i like
what's my favorite
what do you know i like
what am i a fan of

== remember_relative_name
my {relative}'s name is {name}
my {relative} is called {name}
my {relative} is named {name}
{name} is my {relative}
remember my {relative} is {name}
my {relative} goes by {name}
meet my {relative} {name}
this is my {relative} {name}
the name of my {relative} is {name}
i have a {relative} called {name}
oh and {name} is my {relative}
by the way {name} is my {relative}
{name} is my {relative} by the way
remember my {relative}'s name is {name}
please remember my {relative} is named {name}
my {relative} goes by the name {name}
my {relative}'s called {name}
remember that my {relative} is called {name}
{name} is my {relative}'s name
{name}'s my {relative}
{name} is what my {relative} is called
{name} is the name of my {relative}

== ask_relative_name
what's my {relative}'s name
what is my {relative} called
do you know my {relative}'s name
who is my {relative}
what did i say my {relative}'s name was
remind me of my {relative}'s name
what's the name of my {relative}
do you remember my {relative}
do you know who my {relative} is
remind me what my {relative} is called
who did i say my {relative} was
do you remember my {relative}'s name
remind me who my {relative} is
what's my {relative} called
tell me my {relative}'s name
did i tell you my {relative}'s name
can you tell me my {relative}'s name

== forget_relative
forget about my {relative}
forget my {relative}'s name
delete what you know about my {relative}
erase my {relative} from your memory
don't remember anything about my {relative}
forget everything about my {relative}
you can forget my {relative}
clear what i told you about my {relative}
don't remember my {relative}'s name
erase what you know about my {relative}
delete my {relative}'s name
clear my {relative} from your memory
forget what i told you about my {relative}
delete my {relative} from memory
erase my {relative}'s name
clear my {relative}'s name
you don't need to remember my {relative}
no need to remember my {relative}
forget the name of my {relative}
forget my {relative}
wipe what you know about my {relative}
