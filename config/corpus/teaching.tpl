# How people teach the robot in conversation (issue 9). Not training phrasings: the brain
# matches these frames on what it heard (plain words) before the model reads an utterance.
#
# == teach: {phrase} is the new wording, {meaning} a request the robot already understands
# ("go to the living room") or the name of a place or object ("the office").
# When {phrase} and {meaning} touch, a comma or quote in the transcript marks the border;
# without one, {meaning} starts at the first word that opens a command template.

== teach
when i say {phrase} i mean {meaning}
when i say {phrase} that means {meaning}
when i say {phrase} it means {meaning}
whenever i say {phrase} i mean {meaning}
if i say {phrase} i mean {meaning}
by {phrase} i mean {meaning}
{phrase} means {meaning}
{phrase} is what i call {meaning}
{phrase} is another name for {meaning}
i call {meaning} {phrase}
when i say {phrase} please {meaning}
when i say {phrase} i want you to {meaning}
whenever i say {phrase} i want you to {meaning}
if i say {phrase} i want you to {meaning}
from now on when i say {phrase} {meaning}
from now on {phrase} means {meaning}
when i say {phrase} you should {meaning}
when i say {phrase} {meaning}
whenever i say {phrase} {meaning}
if i say {phrase} {meaning}
when you hear {phrase} {meaning}
learn that {phrase} means {meaning}
remember that {phrase} means {meaning}

# == teach correction: right after a misunderstood request, what the user meant: a place or
# object name (swapped into the request) or a whole request.
== teach correction
no i meant {meaning}
no i said {meaning}
i meant {meaning}
i said {meaning}
no i wanted {meaning}
no not that {meaning}
that's wrong i meant {meaning}
wrong i meant {meaning}
no i meant to say {meaning}
i wanted you to {meaning}
no i wanted you to {meaning}
