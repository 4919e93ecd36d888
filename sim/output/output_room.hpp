// Before a run starts: will its files fit where they go? The trace and skew files have a known
// number of rows (nodes traced × ticks recorded, and one row a tick), and every row has a known
// minimum length, so a lower bound on their size is exact arithmetic. A run whose lower bound
// exceeds the free space of its output folder's file system cannot finish; it is refused at
// once instead of filling the disk first (a 1 ns tick over a long duration asks for petabytes).
// The other files grow with what the run does (a note per timeout, election or round, a row per
// message or application event), which only the run tells: a run that passes can still fill the
// disk, and then stops at the refused write, saying so (refused_write_message).
#pragma once

#include <cstdint>
#include <string>

#include "sim/output/atomic_file.hpp"
#include "sim/scenario/spec.hpp"

namespace clocksim::sim {

struct OutputSizeFloor {
  std::uint64_t trace_rows = 0;  // rows of trace.csv; 0 when the trace is off or compressed
  std::uint64_t skew_rows = 0;   // rows of skew.csv; 0 when off
  std::uint64_t bytes = 0;       // at least this many bytes (saturates at 2^64 - 1)
};

// "6.44 TB": bytes in decimal units, three significant digits.
std::string human_bytes(std::uint64_t bytes);

// The least the run's trace.csv and skew.csv can take. A compressed trace counts nothing: gzip
// has no useful floor.
OutputSizeFloor output_size_floor(const scenario::ScenarioSpec& spec);

// Throws std::runtime_error, saying how much is needed and what to change, when the floor
// exceeds the space available to this user on the file system that holds, or will hold,
// `out_dir` (which need not exist yet). Does nothing when that space cannot be read.
void check_output_room(const scenario::ScenarioSpec& spec, const std::string& out_dir);

// What to say when a write is refused in the middle of the run (the check above passed): which
// file, how far the run got, why the check did not foresee it and what to change. events.csv,
// events.log, messages.csv and logical.csv have no size known before the run (they grow with
// what its algorithms do), so the check cannot count them, and no finite bound on them exists.
std::string refused_write_message(const WriteRefused& refused, const scenario::ScenarioSpec& spec);

}  // namespace clocksim::sim
