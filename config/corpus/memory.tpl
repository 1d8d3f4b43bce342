# Memory: statements, questions, corrections ("actually ..."), forgetting.

== remember_location
i put {object} in {place} {when}
i left {object} in {place} {when}
{when} i put {object} in {place}
i dropped {object} off in {place} {when}
i just put {object} in {place}
i put {object} over in {place}
i put {object} back in {place}
i put {object} into {place} after breakfast
i popped {object} in {place}
i've just put {object} in {place}
i put {object} down in {place}
i put {object} away in {place} last week
i put {object} in {place} for safekeeping
i think i put {object} over in {place}
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
{object} is sitting in {place}
{object} is lying in {place}
{object} are sitting in {place}
{object} is somewhere in {place}
{object} ended up in {place}
i stashed {object} in {place}
i stored {object} in {place}
i hid {object} in {place}
i tucked {object} away in {place}
i placed {object} in {place}
i chucked {object} in {place}
i left {object} in {place} last night
i left {object} in {place} yesterday
i put {object} in {place} last night
i put {object} in {place} this morning
i dropped {object} in {place} earlier today
i put {object} down in {place} an hour ago
i think i put {object} in {place}
i'm pretty sure {object} is in {place}
pretty sure i left {object} in {place}
i believe {object} is in {place}
i remember leaving {object} in {place}
i last saw {object} in {place}
the last time i saw {object} it was in {place}
i saw {object} in {place}
{object} was in {place} last time i checked
you'll find {object} in {place}
you can find {object} in {place}
for future reference {object} is in {place}
heads up {object} is in {place}
just so you're aware {object} is in {place}
keep in mind {object} is in {place}
don't forget {object} is in {place}
remember i left {object} in {place}
please note {object} is in {place}
someone left {object} in {place}
the kids left {object} in {place}
{object} usually lives in {place}
we always keep {object} in {place}
{object} is kept in {place}
{object} stays in {place}

== correct_location
actually i put {object} in {place} {when}
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
actually {object} is over in {place}
actually {object} ended up in {place}
actually i put {object} in {place}
oh wait {object} is in {place}
wait no {object} is in {place}
hang on {object} is actually in {place}
hold on {object} is in {place}
oops {object} is in {place}
my mistake {object} is in {place}
my bad {object} is in {place}
i made a mistake {object} is in {place}
i got that wrong {object} is in {place}
i was mistaken {object} is in {place}
sorry i was wrong {object} is in {place}
let me correct that {object} is in {place}
correction i put {object} in {place}
correction i left {object} in {place}
update i moved {object} to {place}
heads up i moved {object} to {place}
i took {object} to {place}
i've taken {object} to {place}
i carried {object} over to {place}
i moved {object} over to {place}
i moved {object} into {place} this morning
i moved {object} to {place} last night
yesterday i moved {object} to {place}
someone moved {object} to {place}
{object} got moved to {place}
{object} has been moved to {place}
{object} isn't there anymore it's in {place}
{object} is no longer there it's in {place}
{object} isn't where i said it's in {place}
not that room {object} is in {place}
it's not in there {object} is in {place}
actually no {object} is in {place}
no sorry {object} is in {place}
actually i think {object} is in {place}

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
forget {object}
forget about where {object} is
forget where i put {object}
forget where i left {object}
you don't need to remember where {object} is
no need to remember where {object} is
don't remember where {object} is
don't keep track of {object}
stop keeping track of {object}
don't track {object} anymore
remove {object} from your memory
remove {object} from memory
delete {object} from memory
wipe {object} from your memory
wipe where {object} is
clear what you know about {object}
forget everything about {object}
ignore what i told you about {object}
ignore where {object} is
don't worry about where {object} is
the location of {object} doesn't matter anymore
you can forget about {object}
you can delete where {object} is
please erase where {object} is
erase what i told you about {object}
forget i said anything about {object}
never mind what i said about {object}
delete the note about {object}
drop {object} from your memory

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
i go by {name}
i usually go by {name}
my friends call me {name}
everyone calls me {name}
you may call me {name}
you should call me {name}
i'd like you to call me {name}
i'd like to be called {name}
i prefer to be called {name}
it's {name}
it's me {name}
{name} is my name
{name}'s the name
the name is {name}
my first name is {name}
i'm {name} nice to meet you
nice to meet you i'm {name}
pleased to meet you i'm {name}
hello there i'm {name}
hiya i'm {name}
hey robot i'm {name}
hi robot my name is {name}
good morning i'm {name}
let me introduce myself i'm {name}
allow me to introduce myself my name is {name}
remember me i'm {name}
remember i'm {name}
please remember i'm {name}
don't forget my name is {name}
for the record my name is {name}
just so you know my name is {name}
so you know i'm {name}

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
no it's actually {name}
actually the name is {name}
actually my name's {name}
no my name's {name}
you got my name wrong it's {name}
you've got my name wrong i'm {name}
that's the wrong name i'm {name}
wrong name it's {name}
nope it's {name}
nope i'm {name}
nope my name is {name}
not quite it's {name}
close but it's {name}
my name isn't that it's {name}
that isn't my name it's {name}
you misheard me it's {name}
you misheard my name is {name}
i said my name is {name}
i told you my name is {name}
let me correct you my name is {name}
oops i meant {name}
i misspoke my name is {name}
correction call me {name}
update my name to {name}
change my name to {name}
please change my name to {name}
from now on call me {name}
actually i go by {name}
actually i prefer {name}
i'd rather be called {name}

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
who am i to you
what am i called
do you know what my name is
do you know what i'm called
remind me of my name
remind me what my name is
what name do you know me by
what do you know me as
do you remember what my name is
have i told you my name
did i ever tell you my name
do you recall my name
can you remember my name
who do you think i am
who's talking to you
who is speaking right now
do you recognize me
do you know me
tell me who i am
can you say my name
what name have you got for me
what name do i go by

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
forget who i am
wipe my name
wipe my name from your memory
remove my name
remove my name from memory
don't store my name
stop storing my name
stop remembering my name
i don't want you to know my name
i'd rather you forgot my name
forget what i told you my name was
forget what i said my name is
forget i ever told you my name
erase who i am
don't use my name anymore
no more using my name
get rid of my name
throw away my name

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
i'm fond of {thing}
i'm very fond of {thing}
i'm really fond of {thing}
i'm obsessed with {thing}
i'm mad about {thing}
i'm nuts about {thing}
i can't get enough of {thing}
i've always loved {thing}
i've always liked {thing}
i absolutely love {thing}
i totally love {thing}
i quite like {thing}
i do like {thing}
i'm partial to {thing}
i have a soft spot for {thing}
i have a thing for {thing}
{thing} is my thing
nothing beats {thing}
i'm passionate about {thing}
i'm a huge fan of {thing}
i'm a massive fan of {thing}
remember i like {thing}
please remember i love {thing}
note that i like {thing}
for the record i love {thing}
just so you know i like {thing}
you should know i like {thing}
fyi i love {thing}
my favourite is {thing}
my favourite thing is {thing}
my all time favorite is {thing}
i love {thing} so much
i really really like {thing}
these days i'm into {thing}
lately i've been enjoying {thing}
{thing} makes me happy

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
what are my favorite things
what are my favourite things
what's my favourite
what do i love
what do i enjoy
what things do i like
what stuff do i like
what am i fond of
what do i like the most
do you know what i'm into
do you remember what i'm into
do you remember my favorite thing
what did i tell you i love
what did i say i was into
remind me what i love
remind me of my favorite things
tell me my favorite things
what are my hobbies
what are my interests
what interests me
what do you remember about my likes
what are my likes
list the things i like

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
my {relative}'s name's {name}
my {relative} is {name}
{name} happens to be my {relative}
oh {name} is my {relative}
i have a {relative} named {name}
i've got a {relative} called {name}
i've got a {relative} named {name}
we call my {relative} {name}
everyone calls my {relative} {name}
my {relative}'s first name is {name}
just so you know my {relative} is called {name}
fyi my {relative}'s name is {name}
note that my {relative} is {name}
please note my {relative} is called {name}
don't forget my {relative} is {name}
for the record my {relative} is called {name}
remember {name} is my {relative}
remember that {name} is my {relative}
you should know my {relative} is {name}
this is {name} my {relative}
say hello to {name} my {relative}
i'd like you to meet my {relative} {name}
my {relative} {name} is visiting
my {relative} {name} lives with us
my {relative} {name} is coming over later

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
what do i call my {relative}
what's my {relative}'s name again
what was my {relative}'s name
what was my {relative} called
who's my {relative}
who's my {relative} again
what name did i give for my {relative}
what name does my {relative} go by
remind me my {relative}'s name
do you recall my {relative}'s name
do you recall who my {relative} is
can you remind me who my {relative} is
do you know what my {relative} is called
have i told you my {relative}'s name
i can't remember my {relative}'s name
what's the name of my {relative} again
tell me who my {relative} is
say my {relative}'s name

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
forget who my {relative} is
forget all about my {relative}
stop remembering my {relative}
stop remembering my {relative}'s name
don't keep my {relative}'s name
don't store my {relative}'s name
remove my {relative} from memory
remove my {relative}'s name
remove my {relative} from your memory
wipe my {relative}'s name
wipe my {relative} from your memory
clear everything about my {relative}
delete everything about my {relative}
delete my {relative}'s details
erase everything you know about my {relative}
forget anything i said about my {relative}
forget i told you about my {relative}
you can delete my {relative}'s name
you can erase my {relative}
never mind about my {relative}
ignore what i said about my {relative}
my {relative}'s name doesn't matter anymore
i don't want you to remember my {relative}
