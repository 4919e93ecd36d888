// "Did you mean ...?" for misspelt keys and names (optimal string alignment distance).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace clocksim::config {

// Edit distance counting insertions, deletions, substitutions and adjacent transpositions.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, if it is close enough to be a plausible typo: distance at
// most 1 for short words, up to a third of the length for longer ones (ties: first listed).
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

// "a, b, c"
std::string join(const std::vector<std::string>& words, std::string_view sep = ", ");

}  // namespace clocksim::config
