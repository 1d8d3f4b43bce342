//! Transcript normalisation and word error rate, as used by the tests and the benchmark:
//! lowercase, punctuation removed (apostrophes kept), number words as digits
//! ("two and a half" stays words; "ninety" → "90", "twenty five" → "25", "one hundred" → "100").

/// Lowercases, removes punctuation and writes numbers as digits.
pub fn normalize(text: &str) -> String {
    let cleaned: String = text
        .chars()
        .map(|c| match c {
            '-' | '_' | '/' => ' ',
            '°' => ' ',
            c if c.is_alphanumeric() || c == '\'' || c.is_whitespace() => {
                c.to_lowercase().next().unwrap_or(c)
            }
            _ => ' ',
        })
        .collect();
    let words: Vec<&str> = cleaned
        .split_whitespace()
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .collect();
    numbers_to_digits(&words).join(" ")
}

fn unit_value(word: &str) -> Option<u32> {
    const UNITS: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    UNITS.iter().position(|u| *u == word).map(|i| i as u32)
}

fn tens_value(word: &str) -> Option<u32> {
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    TENS.iter()
        .position(|t| *t == word)
        .map(|i| (i as u32 + 2) * 10)
}

/// Reads a number of up to 999 starting at `words[0]`; returns (value, words used).
fn read_number(words: &[&str]) -> Option<(u32, usize)> {
    let mut value = 0;
    let mut used = 0;
    if let Some(hundreds) = words.first().and_then(|w| unit_value(w))
        && words.get(1) == Some(&"hundred")
    {
        value = hundreds * 100;
        used = 2;
        if words.get(used) == Some(&"and")
            && words
                .get(used + 1)
                .is_some_and(|w| unit_value(w).is_some() || tens_value(w).is_some())
        {
            used += 1;
        }
    } else if words.first() == Some(&"hundred")
        || words.first() == Some(&"a") && words.get(1) == Some(&"hundred")
    {
        let skip = usize::from(words.first() == Some(&"a"));
        value = 100;
        used = skip + 1;
    }
    if let Some(tens) = words.get(used).and_then(|w| tens_value(w)) {
        value += tens;
        used += 1;
        if let Some(unit) = words
            .get(used)
            .and_then(|w| unit_value(w))
            .filter(|u| (1..10).contains(u))
        {
            value += unit;
            used += 1;
        }
    } else if let Some(unit) = words.get(used).and_then(|w| unit_value(w)) {
        value += unit;
        used += 1;
    }
    (used > 0).then_some((value, used))
}

fn numbers_to_digits(words: &[&str]) -> Vec<String> {
    let mut out = Vec::with_capacity(words.len());
    let mut i = 0;
    while i < words.len() {
        // "a hundred" is a number, but a lone "a" is an article.
        let is_article = words[i] == "a" && words.get(i + 1) != Some(&"hundred");
        match (!is_article).then(|| read_number(&words[i..])).flatten() {
            Some((value, used)) => {
                out.push(value.to_string());
                i += used;
            }
            None => {
                out.push(words[i].to_string());
                i += 1;
            }
        }
    }
    out
}

/// Word error rate of `hypothesis` against `reference` after [`normalize`]: (substitutions +
/// deletions + insertions) / reference words. An empty reference gives 0 for an empty
/// hypothesis and 1 otherwise.
pub fn word_error_rate(reference: &str, hypothesis: &str) -> f64 {
    let reference = normalize(reference);
    let hypothesis = normalize(hypothesis);
    let reference: Vec<&str> = reference.split_whitespace().collect();
    let hypothesis: Vec<&str> = hypothesis.split_whitespace().collect();
    if reference.is_empty() {
        return if hypothesis.is_empty() { 0.0 } else { 1.0 };
    }
    let mut previous: Vec<usize> = (0..=hypothesis.len()).collect();
    for (i, r) in reference.iter().enumerate() {
        let mut current = vec![i + 1; hypothesis.len() + 1];
        for (j, h) in hypothesis.iter().enumerate() {
            let substitution = previous[j] + usize::from(r != h);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        previous = current;
    }
    previous[hypothesis.len()] as f64 / reference.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalisation_lowercases_strips_punctuation_and_writes_digits() {
        assert_eq!(
            normalize("And so, my fellow Americans: ask not!"),
            "and so my fellow americans ask not"
        );
        assert_eq!(
            normalize("Turn left ninety degrees."),
            "turn left 90 degrees"
        );
        assert_eq!(
            normalize("Move forward two meters"),
            "move forward 2 meters"
        );
        assert_eq!(normalize("twenty-five"), "25");
        assert_eq!(normalize("one hundred and twenty"), "120");
        assert_eq!(normalize("a hundred"), "100");
        assert_eq!(normalize("bring me a cup"), "bring me a cup");
        assert_eq!(normalize("What's in the kitchen?"), "what's in the kitchen");
        assert_eq!(normalize("turn 90°"), "turn 90");
    }

    #[test]
    fn word_error_rate_counts_edits_per_reference_word() {
        assert_eq!(
            word_error_rate("go to the kitchen", "Go to the kitchen."),
            0.0
        );
        assert_eq!(word_error_rate("go to the kitchen", "go to kitchen"), 0.25);
        assert_eq!(
            word_error_rate("go to the kitchen", "go to the big kitchen"),
            0.25
        );
        assert_eq!(
            word_error_rate("go to the kitchen", "no to a chicken"),
            0.75
        );
        assert_eq!(word_error_rate("", ""), 0.0);
    }
}
