// How deep a topology file nests, found before any parser reads it. The readers that build and
// locate a topology (Boost's DOT reader, the XML parser under its GraphML reader, the outline in
// dot_outline) descend one call per level of nesting: a file of 10^5 nested subgraphs or
// elements, a few hundred kilobytes, would overflow the stack and end the process instead of
// being refused. Boost 1.74's DOT reader has no limit of its own (later releases refuse subgraphs
// nested past 255 levels); a real topology nests a handful.
#pragma once

#include <optional>
#include <string_view>

#include "sim/network/dot_outline.hpp"

namespace clocksim::sim {

// Far above any topology (clusters of clusters of clusters), far below what the parsers can
// descend on the smallest stack a sweep's worker thread gets.
inline constexpr int kMaxTopologyNesting = 256;

// Where a DOT text opens its (max_depth + 1)-th nested brace `{`, the first such place as either
// reader lexes the text: the outline (as Graphviz) and Boost's reader tell strings, HTML strings
// and comments apart differently, so a brace that one reads as text the other may descend into.
// Nothing when it never nests that deep.
std::optional<dot::Location> dot_nesting_beyond(std::string_view text, int max_depth);

// Where an XML text opens its (max_depth + 1)-th nested element, as the XML parser under Boost's
// GraphML reader reads the text (nothing past where that parser would stop); nothing when it
// never nests that deep.
std::optional<dot::Location> xml_nesting_beyond(std::string_view text, int max_depth);

}  // namespace clocksim::sim
