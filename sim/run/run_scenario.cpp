#include "sim/run/run_scenario.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <ostream>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "algorithms/core/decimal_text.hpp"
#include "algorithms/core/duration_parse.hpp"
#include "algorithms/core/params.hpp"
#include "node/loop/json_text.hpp"
#include "sim/bound/no_bound_text.hpp"
#include "sim/bound/skew_bound.hpp"
#include "sim/output/atomic_file.hpp"
#include "sim/output/exact_skew.hpp"
#include "sim/output/link_table.hpp"
#include "sim/output/output_dir.hpp"
#include "sim/output/output_folder.hpp"
#include "sim/output/output_room.hpp"
#include "sim/logical/causality.hpp"
#include "sim/output/logical_csv.hpp"
#include "sim/output/message_log.hpp"
#include "sim/output/ordering_probe.hpp"
#include "sim/output/recorder.hpp"
#include "sim/output/run_analysis.hpp"
#include "sim/run/float_environment.hpp"
#include "sim/world/world.hpp"
#include "sim/output/run_files.hpp"

namespace clocksim::sim {
namespace {

std::string topology_name(const scenario::TopologySpec& t) {
  using K = scenario::TopologySpec::Kind;
  switch (t.kind) {
    case K::kFullMesh: return "full_mesh";
    case K::kStar: return "star";
    case K::kRing: return "ring";
    case K::kLine: return "line";
    case K::kGrid: return "grid";
    case K::kErdosRenyi: return "erdos_renyi";
    case K::kBarabasiAlbert: return "barabasi_albert";
    case K::kFile: return "file";
  }
  return "?";
}

nlohmann::ordered_json layer_json(const algorithms::LayerChoice& c) {
  nlohmann::ordered_json j;
  j["kind"] = c.kind.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(c.kind);
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  for (const auto& [name, value] : c.params.values()) params[name] = param_to_string(value);
  j["params"] = params;
  return j;
}

// Prints "[ 45%] t=135.0s/300.0s  2.10 M events/s  ETA 3 s" over itself on a terminal.
class Progress {
 public:
  explicit Progress(bool enabled) : enabled_(enabled), start_(std::chrono::steady_clock::now()) {}
  void update(double fraction, double sim_s, double end_s, std::uint64_t events) {
    if (!enabled_) return;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = wall > 0 ? static_cast<double>(events) / wall : 0;
    const double eta = fraction > 0 ? wall * (1 - fraction) / fraction : 0;
    std::string percent = fixed_text(fraction * 100, 0);
    percent.insert(0, percent.size() < 3 ? 3 - percent.size() : 0, ' ');
    const std::string line = "\r[" + percent + "%] t=" + fixed_text(sim_s, 1) + "s/" + fixed_text(end_s, 1) + "s  " +
                             fixed_text(rate * 1e-6, 2) + " M events/s  ETA " + fixed_text(eta, 0) + " s   ";
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
  }
  void done() {
    if (enabled_) std::fprintf(stderr, "\r%70s\r", "");
  }

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_;
};

// Checking every pair costs O(E^2): beyond this many events the check is left out (and says so).
constexpr std::size_t kMaxCheckedLogicalEvents = 20'000;

nlohmann::ordered_json logical_summary(const CausalityRecorder& c, const std::optional<CausalityReport>& report) {
  nlohmann::ordered_json j;
  j["events"] = c.events().size();
  if (!report) {
    j["checked"] = false;
    j["note"] = "more than " + std::to_string(kMaxCheckedLogicalEvents) + " events: happened-before not checked";
    return j;
  }
  const CausalityReport& r = *report;
  j["checked"] = true;
  j["happened_before_pairs"] = r.happened_before;
  j["concurrent_pairs"] = (r.pairs - 2 * r.happened_before) / 2;
  j["lamport_violations"] = r.lamport_violations;
  j["vector_false_order"] = r.vector_false_order;
  j["vector_missed_order"] = r.vector_missed_order;
  j["unmatched_receives"] = r.unmatched_receives;
  j["consistent"] = r.ok();
  return j;
}

std::string ms_text(const nlohmann::ordered_json& ns) {
  if (!ns.is_number()) return "n/a";
  return fixed_text(ns.get<double>() * 1e-6, 3) + " ms";
}

// What every run concludes, expectations or not: the steady state's skew against the bound, and
// the elections and failovers.
void write_result_lines(const nlohmann::ordered_json& r, const std::string& bound_note, std::ostream& out) {
  out << "  steady state: ";
  if (r["warmup_ns"].is_null()) {
    out << "never reached (no full sync round completed; set `warmup:` to choose one)\n";
  } else {
    const std::string& rule = r["warmup_rule"].get_ref<const std::string&>();
    out << "from t=" << fixed_text(r["warmup_ns"].get<double>() * 1e-9, 3) << "s ("
        << (rule == "scenario" ? "warmup: in the scenario" : rule == "no_sync" ? "no sync algorithm" : "after the first full round")
        << "): worst skew " << ms_text(r["max_skew_after_warmup_ns"]) << ", mean "
        << ms_text(r["steady_skew_mean_ns"]) << ", p99 " << ms_text(r["steady_skew_p99_ns"]) << "\n";
  }
  out << "  bound: ";
  if (r["bound_ns"].is_null()) {
    out << "none (" << (bound_note.empty() ? std::string("no bound model") : bound_note) << ")\n";
  } else {
    const std::string ratio =
        r["worst_skew_over_bound"].is_number() ? fixed_text(r["worst_skew_over_bound"].get<double>(), 3) : "n/a";
    out << ms_text(r["bound_ns"]) << " at the end; worst skew/bound " << ratio << ", "
        << r["bound_violations"].get<std::uint64_t>() << " violating instant(s)\n";
  }
  const auto& fos = r["failovers"];
  out << "  elections started: " << r["elections"].get<std::uint64_t>() << "; failovers: " << fos.size();
  for (const auto& f : fos) {
    out << "\n    " << f["old_master"].get<std::string>() << " lost at t="
        << fixed_text(f["lost_at_ns"].get<double>() * 1e-9, 3) << "s -> ";
    if (f["new_master"].is_null()) {
      out << "never replaced";
    } else {
      out << f["new_master"].get<std::string>() << " after " << fixed_text(f["failover_time_ns"].get<double>() * 1e-9, 3)
          << " s, " << f["election_messages"].get<std::uint64_t>() << " election messages";
    }
  }
  out << "\n";
}

// The run itself; a refused write leaves it with how far it got.
RunOutcome run_recorded(const scenario::ScenarioSpec& spec, const RunOptions& options, std::ostream& report) {
  const auto wall_start = std::chrono::steady_clock::now();
  std::optional<OutputDir> dir;  // declared before the files in it, so that it goes after them
  std::unique_ptr<DiskFolder> disk;
  if (!options.folder) {
    check_output_room(spec, options.out_dir);  // before creating anything
    dir.emplace(options.out_dir);
    disk = std::make_unique<DiskFolder>(options.out_dir);
  }
  OutputFolder& folder = options.folder ? *options.folder : *disk;

  BoundAvailability bound = make_skew_bound(spec);
  RunAnalysis analysis(spec);
  Recorder recorder(spec, folder, bound.bound.get(), analysis);
  World world(spec, options.topologies);
  ExactSkewChecker exact(spec, world, bound.bound.get(), analysis, [&world](Time t) { world.schedule_probe(t); },
                         !options.read_every_instant);
  recorder.read_extremes_with([&exact](Time t) { return exact.extremes_now(t); });
  // The exact checker notes the bound before anyone sees an event, and checks after all did.
  world.add_observer(exact.before_hook());
  // The bound next: it must have seen a tick's events before the recorder asks it for the tick.
  if (bound.bound && bound.bound->observer()) world.add_observer(bound.bound->observer());
  world.add_observer(&recorder);
  world.add_observer(&exact);
  exact.start();
  std::unique_ptr<MessageLog> message_log;
  if (spec.output.messages) {
    message_log = std::make_unique<MessageLog>(spec, folder);
    world.add_observer(message_log.get());
  }
  analysis.set_message_counter(&world.stats().messages_sent);
  if (wants_link_table(spec)) write_link_table(spec, world.network(), folder);
  std::unique_ptr<OrderingProbe> ordering;
  if (spec.ordering) {
    ordering = std::make_unique<OrderingProbe>(spec, *spec.ordering);
    world.add_observer(ordering.get());
  }
  // Logical clocks: the true happened-before relation, checked against their stamps.
  std::unique_ptr<CausalityRecorder> causality;
  if (world.logical()) {
    causality = std::make_unique<CausalityRecorder>(static_cast<NodeId>(spec.nodes.size()));
    world.add_observer(causality.get());
  }

  Progress progress(options.progress && !options.quiet);
  // Advance in slices so the progress line can be refreshed and a stop request noticed; slicing
  // does not change the result (events are processed in the same order whatever the slice
  // boundaries). At most a simulated second a slice, so that a large world answers soon.
  const Duration slice = std::clamp(spec.duration / 200, Duration::from_ns(1), Duration::from_ns(1'000'000'000));
  auto next_look = std::chrono::steady_clock::now();
  Time t = Time::epoch();
  while (true) {
    try {
      world.run_until(t);
    } catch (WriteRefused& refused) {
      refused.at_ns = world.now().ns();
      throw;
    }
    if (const auto now = std::chrono::steady_clock::now(); now >= next_look || t >= world.end()) {
      next_look = now + std::chrono::milliseconds(100);
      if (options.should_stop && options.should_stop()) throw RunStopped{};
      progress.update(static_cast<double>(t.ns()) / static_cast<double>(std::max<std::int64_t>(1, spec.duration.ns())),
                      t.seconds(), world.end().seconds(), world.stats().events_processed);
    }
    if (t >= world.end()) break;
    // A world with nothing to do for a while (a long duration, a sparse tick) skips to its next
    // event: a simulated year of idle slices would take minutes of looking at an empty queue.
    const std::optional<Time> next = world.next_event_time();
    t = std::min(world.end(), next ? std::max(t + slice, *next) : world.end());
  }
  progress.done();
  // Checked once, before the expectations are judged: `causality: consistent` and summary.json
  // read the same report.
  std::optional<CausalityReport> causal_report;
  if (causality) {
    if (causality->events().size() <= kMaxCheckedLogicalEvents) causal_report = causality->check();
    analysis.set_causality(causality->events().size(), causal_report);
  }
  analysis.finish();
  recorder.commit();
  if (message_log) message_log->commit(world.end());
  if (causality && spec.output.trace) write_logical_csv(spec, *causality, folder);

  RunOutcome outcome;
  outcome.expectations_passed = analysis.all_passed();
  outcome.events_processed = world.stats().events_processed;
  outcome.wall_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start).count();

  if (spec.output.summary) {
    nlohmann::ordered_json j;
    j["format_version"] = 1;
    nlohmann::ordered_json sc;
    sc["name"] = spec.name;
    sc["description"] = spec.description;
    sc["file"] = spec.source_file;
    sc["seed"] = spec.seed;
    sc["duration_ns"] = spec.duration.ns();
    sc["tick_ns"] = spec.tick.ns();
    sc["nodes"] = spec.nodes.size();
    sc["topology"] = topology_name(spec.topology);
    sc["sync"] = layer_json(spec.algorithm.sync);
    sc["election"] = layer_json(spec.algorithm.election);
    sc["faults"] = spec.faults.size();
    j["scenario"] = sc;
    nlohmann::ordered_json results = analysis.results_json();
    results["bound_model"] = bound.bound ? nlohmann::ordered_json(bound.bound->describe()) : nlohmann::ordered_json(nullptr);
    // Why there is no bound: a stable word for programs, and the sentence (empty with a bound).
    const std::string_view why_word = bounds::no_bound_word(bound.no_bound.why);
    results["bound_why"] = why_word.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(why_word);
    results["bound_note"] = no_bound_text(bound.no_bound);
    const WorldStats& st = world.stats();
    results["messages_sent"] = st.messages_sent;
    results["messages_delivered"] = st.messages_delivered;
    results["messages_lost"] = st.messages_lost;
    results["messages_to_down_node"] = st.messages_to_down_node;
    results["crashes"] = st.crashes;
    results["restarts"] = st.restarts;
    results["events_processed"] = st.events_processed;
    results["exact_check_instants"] = exact.evaluations();
    if (causality) results["logical"] = logical_summary(*causality, causal_report);
    if (ordering) results["ordering"] = ordering->json();
    j["results"] = results;
    nlohmann::ordered_json ex = nlohmann::ordered_json::array();
    for (const auto& r : analysis.expects()) {
      nlohmann::ordered_json e;
      e["text"] = r.text;
      e["passed"] = r.passed;
      e["evaluated"] = r.evaluated;
      e["detail"] = r.detail;
      e["line"] = r.where.line;
      ex.push_back(e);
    }
    j["expects"] = ex;
    j["wall_time_s"] = outcome.wall_time_s;
    j["events_per_s"] = outcome.wall_time_s > 0 ? static_cast<double>(st.events_processed) / outcome.wall_time_s : 0.0;
    // Written last: a folder with summary.json is a finished run (the sweep runner relies on it).
    const std::unique_ptr<OutputFile> summary = folder.create(std::string(run_files::kSummary));
    summary->write(node::json_text(j, 2));
    summary->write("\n");
    summary->commit();
  }
  folder.publish(run_files::kAll);
  if (dir) dir->keep();

  if (!options.quiet) {
    write_result_lines(analysis.results_json(), no_bound_text(bound.no_bound), report);
    for (const auto& r : analysis.expects()) {
      report << (r.passed ? "  ok    " : r.evaluated ? "  FAIL  " : "  N/A   ") << r.text << ": " << r.detail;
      if (!r.passed && r.where.line > 0) report << "  [" << r.where.file << ":" << r.where.line << "]";
      report << "\n";
    }
  }
  return outcome;
}

}  // namespace

RunOutcome run_scenario(const scenario::ScenarioSpec& spec, const RunOptions& options, std::ostream& report) {
  const DefaultFloatEnvironment float_environment;
  try {
    return run_recorded(spec, options, report);
  } catch (const WriteRefused& refused) {
    throw std::runtime_error(refused_write_message(refused, spec));
  }
}

}  // namespace clocksim::sim
