// What a sweep's output folder was planned from, recorded in `<out>/.sweep-plan` by the first
// sweep, shard or merge that uses the folder and checked by every later one. Resuming, the shards
// of one sweep and its merge all plan the same runs from the same inputs; a sweep file or base
// scenario edited in between, or the shards of two different sweeps given one --out, would
// otherwise mix runs of different scenarios in one sweep.csv without a word; so would a topology
// file edited between a sweep's first runs and its resumption, or a sweep resumed by another build.
#pragma once

#include <string>
#include <vector>

#include "sim/sweep/sweep_lock.hpp"
#include "sim/sweep/sweep_plan.hpp"
#include "sim/sweep/sweep_spec.hpp"

namespace clocksim::sweep {

// The folder holds the runs of another plan: the user's to resolve (a new --out, or removing
// the record to keep the runs anyway).
class SweepPlanMismatch : public SweepFolderError {
 public:
  using SweepFolderError::SweepFolderError;
};

// The record: a version line, the build's version and code identity (sim/version/code_identity.hpp),
// the base scenario's size and content tag, the same for each file
// in spec.input_files (named relative to the base scenario's folder), then one line per run,
// its folder and its overrides, tab-separated (a tab or line break inside a value escaped).
// Nothing in it depends on --jobs, --shard, --mpi or the machine but the build.
std::string plan_record(const SweepSpec& spec, const std::vector<PlannedRun>& runs);

// Writes `record` as out_dir/.sweep-plan when the folder has none (whole or not at all: a shard
// racing another finds one complete record), else compares it with the one there and throws
// SweepPlanMismatch naming the first difference.
void check_plan_record(const std::string& out_dir, const std::string& record);

}  // namespace clocksim::sweep
