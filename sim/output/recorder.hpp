// The observer that turns a run into files (docs/output-formats.md): trace.csv, skew.csv,
// events.csv and events.log, each atomic; it also feeds the run analysis with each tick's
// aggregate so that the per-tick work is done once.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/core/note_text.hpp"
#include "sim/bound/skew_bound.hpp"
#include "sim/output/output_folder.hpp"
#include "sim/output/role_tally.hpp"
#include "sim/output/run_analysis.hpp"
#include "sim/output/tick_stats.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/world/observer.hpp"

namespace clocksim::sim {

class Recorder final : public Observer {
 public:
  // bound may be null (bound_ns left empty).
  Recorder(const scenario::ScenarioSpec& spec, OutputFolder& folder, const SkewBound* bound,
           RunAnalysis& analysis);

  // Where a tick that writes no per-node line (no trace row this tick, no skew.csv) gets the
  // extremes of the offsets (their abs sum left out) instead of reading every clock: the exact
  // checker's tournament. Without one (or when it answers nullopt), every clock is read.
  using ExtremesReader = std::function<std::optional<UpOffsets>(Time)>;
  void read_extremes_with(ExtremesReader reader) { extremes_ = std::move(reader); }

  void on_tick(const TickView& view) override;
  void on_event(Time t, NodeId node, const Note& note) override;
  void on_message_sent(Time t, NodeId from, NodeId to, const Message& msg) override;
  void on_clock_adjust(Time t, NodeId node, Duration delta, AdjustMode mode, CorrectionSource source) override;
  // Renames every file into place. Without it, nothing appears.
  void commit();

 private:
  const scenario::ScenarioSpec& spec_;
  const SkewBound* bound_;
  NodeNames names_;
  RunAnalysis& analysis_;
  std::unique_ptr<OutputFile> trace_, skew_, events_csv_, events_log_;
  std::vector<bool> traced_;
  std::int64_t trace_every_ticks_ = 1;
  std::int64_t tick_index_ = 0;
  RoleTally roles_;
  std::vector<NodeRole> role_changes_;
  ExtremesReader extremes_;
  std::string line_;
};

}  // namespace clocksim::sim
