// One row of events.csv (docs/output-formats.md): a note's typed fields as columns, node ids
// written as names, the rendered sentence last.
#pragma once

#include <string>
#include <string_view>

#include "algorithms/core/note.hpp"
#include "algorithms/core/note_text.hpp"
#include "sim/time.hpp"

namespace clocksim::sim {

// The header line, newline included.
std::string_view events_csv_header();

// Appends the row for `note` of `node` (kNoNode: none) at `t`, newline included; `detail` is
// note_text(note, names).
void append_event_row(std::string& line, Time t, NodeId node, const Note& note, const NodeNames& names,
                      std::string_view detail);

}  // namespace clocksim::sim
