// The generated part of docs/scenario-reference.md: one table per algorithm in the catalogue
// (parameter, type, default, allowed values, meaning). A test keeps the committed document in
// step with the catalogue, as for the JSON Schema.
#pragma once

#include <string>

namespace clocksim::scenario {

inline constexpr const char* kGeneratedBegin = "<!-- BEGIN GENERATED: algorithm parameters -->";
inline constexpr const char* kGeneratedEnd = "<!-- END GENERATED: algorithm parameters -->";

// Markdown, without the markers.
std::string algorithm_reference_markdown();

}  // namespace clocksim::scenario
