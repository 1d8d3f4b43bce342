# Memory: statements, questions, corrections ("actually ..."), forgetting.

== remember_location
{object} is in {place}
{object} are in {place}
i left {object} in {place}
i put {object} in {place}
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

== forget_name
forget my name
forget what my name is
don't remember my name
delete my name
erase my name
you can forget my name
stop calling me by my name
clear my name from your memory

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

== ask_likes
what do i like
do you remember what i like
what's my favorite thing
what am i into
what did i say i like
tell me what i like
what do you know about my taste
remind me what i like

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

== ask_relative_name
what's my {relative}'s name
what is my {relative} called
do you know my {relative}'s name
who is my {relative}
what did i say my {relative}'s name was
remind me of my {relative}'s name
what's the name of my {relative}
do you remember my {relative}

== forget_relative
forget about my {relative}
forget my {relative}'s name
delete what you know about my {relative}
erase my {relative} from your memory
don't remember anything about my {relative}
forget everything about my {relative}
you can forget my {relative}
clear what i told you about my {relative}
