// ScenarioSpec: a validated scenario as plain structs with units resolved. The loader
// (scenario/loader) is the only code that touches YAML; the world builder reads only this.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "algorithms/core/clock_guard.hpp"
#include "algorithms/core/ids.hpp"
#include "algorithms/core/time.hpp"
#include "algorithms/registry.hpp"

namespace clocksim::scenario {

// Where something was written, for errors found after loading (e.g. a failed expectation).
struct SourceLocation {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
};

// A real-valued quantity drawn per node, per link or per message. Durations are held in ns,
// rates in ppm; the field using it says which.
//   constant(a) | a                  a
//   uniform(a, b)                    [a, b]
//   normal(mean=a, sd=b)             truncated at `lower` when the quantity is a latency
//   lognormal(median=a, sigma=b)     sigma of the underlying normal
//   exponential(mean=a)
//   pareto(scale=a, shape=b)         support [a, inf)
//   adversarial(min=a, max=b)        latency only: the network picks the worst delay in [a, b]
// `shift` is added to every draw ("1ms + exponential(1ms)").
struct Distribution {
  enum class Kind : std::uint8_t { kConstant, kUniform, kNormal, kLognormal, kExponential, kPareto, kAdversarial };
  Kind kind = Kind::kConstant;
  double a = 0;
  double b = 0;
  double shift = 0;

  static Distribution constant(double v) { return {Kind::kConstant, v, 0, 0}; }
  static Distribution uniform(double lo, double hi) { return {Kind::kUniform, lo, hi, 0}; }
  // Support of the distribution (shift included); upper is +inf for unbounded kinds.
  double lower_bound() const;
  double upper_bound() const;
  double mean() const;
};

struct ClockSpec {
  Distribution initial_offset_ns = Distribution::constant(0);
  Distribution drift_ppm = Distribution::constant(0);
  double wander_ppm_per_sqrt_s = 0;  // random walk of the rate (ppm after 1 s, grows with sqrt t)
  Distribution sine_amplitude_ppm = Distribution::constant(0);  // temperature-like rate term
  Duration sine_period = Duration::from_ns(86'400'000'000'000);  // one day
  double max_slew_ppm = 500;         // adjtime's bounded slew rate (Linux: 500 ppm)
  Duration resolution = Duration::from_ns(1);  // readings are truncated to this granularity
  SourceLocation where;              // the `clocks` mapping, for errors found when a node's rates are drawn
};

// Sparse per-node overrides of the cluster-wide clock spec (10^6 nodes must not each copy it).
struct ClockOverride {
  std::optional<Distribution> initial_offset_ns;
  std::optional<Distribution> drift_ppm;
  std::optional<double> wander_ppm_per_sqrt_s;
  std::optional<Distribution> sine_amplitude_ppm;
  std::optional<double> max_slew_ppm;
  // The first of drift_ppm, sine_amplitude_ppm, max_slew_ppm given, for errors about the node's
  // rates found after loading (empty key: none given).
  SourceLocation rates_where;
  std::string rates_key;
  // Where initial_offset was given, likewise (empty key: not given).
  SourceLocation offset_where;
  std::string offset_key;
};

// One node's ClockOverride, stored only when the node has one: a node without overrides costs one
// null pointer instead of ~150 bytes (10^6 nodes: 8 MB, not 150 MB). Reads as a ClockOverride
// (all fields empty when there is none); writes replace the whole override.
class NodeClockOverride {
 public:
  NodeClockOverride() = default;
  NodeClockOverride(const ClockOverride& o) { *this = o; }  // NOLINT: implicit, reads like a struct field
  NodeClockOverride(const NodeClockOverride& o) : p_(o.p_ ? std::make_unique<ClockOverride>(*o.p_) : nullptr) {}
  NodeClockOverride(NodeClockOverride&&) noexcept = default;
  NodeClockOverride& operator=(const NodeClockOverride& o) {
    p_ = o.p_ ? std::make_unique<ClockOverride>(*o.p_) : nullptr;
    return *this;
  }
  NodeClockOverride& operator=(NodeClockOverride&&) noexcept = default;
  NodeClockOverride& operator=(const ClockOverride& o) {
    const bool any = o.initial_offset_ns || o.drift_ppm || o.wander_ppm_per_sqrt_s || o.sine_amplitude_ppm || o.max_slew_ppm;
    p_ = any ? std::make_unique<ClockOverride>(o) : nullptr;
    return *this;
  }

  const ClockOverride& get() const { return p_ ? *p_ : none(); }
  operator const ClockOverride&() const { return get(); }  // NOLINT: implicit on purpose
  const ClockOverride* operator->() const { return &get(); }
  bool has_value() const { return p_ != nullptr; }

 private:
  static const ClockOverride& none() {
    static const ClockOverride kNone;  // immutable: shared by every node without overrides
    return kNone;
  }
  std::unique_ptr<ClockOverride> p_;
};

// A value stored only for the nodes that have one: an empty one costs a null pointer, where the
// value itself (or a std::shared_ptr to it) would cost every node of 10^6. Copies are deep.
template <class T>
class Sparse {
 public:
  Sparse() = default;
  Sparse(T value) : p_(std::make_unique<T>(std::move(value))) {}  // NOLINT: implicit, reads like a field
  Sparse(const Sparse& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Sparse(Sparse&&) noexcept = default;
  Sparse& operator=(const Sparse& o) {
    p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Sparse& operator=(Sparse&&) noexcept = default;

  explicit operator bool() const { return p_ != nullptr; }
  const T& operator*() const { return *p_; }
  const T* operator->() const { return p_.get(); }

 private:
  std::unique_ptr<T> p_;
};

// A node's place in a time hierarchy (NTP), stored only for nodes that have one.
struct NodeHierarchy {
  std::vector<NodeId> servers;  // the nodes it takes time from
  // Set: the node has a reference clock whose every reading is true time plus a draw of this
  // error (ns), from the node's own stream.
  std::optional<Distribution> reference_error_ns;
};

struct NodeSpec {
  NodeId id = 0;
  bool can_be_master = true; // timed's -M
  std::string name;          // "n<id>" unless given
  NodeClockOverride clock;   // sparse
  Sparse<NodeHierarchy> hierarchy;  // empty for most nodes
};
// A 10^6-node scenario keeps one per node.
static_assert(sizeof(NodeSpec) <= 56, "per-node overrides stay out of line");

struct TopologySpec {
  enum class Kind : std::uint8_t { kFullMesh, kStar, kRing, kLine, kGrid, kErdosRenyi, kBarabasiAlbert, kFile };
  Kind kind = Kind::kFullMesh;
  NodeId hub = 0;             // star
  int rows = 0, cols = 0;     // grid (rows * cols == node count)
  double p = 0;               // erdos_renyi edge probability
  int m = 1;                  // barabasi_albert edges per new node
  std::string file;           // GraphML (.graphml) or DOT (.dot/.gv), resolved relative to the scenario
  SourceLocation where;       // the `topology` value (its `file` for a file), for errors found building it
};

struct LinkModel {
  Distribution latency_ns = Distribution::constant(1'000'000);
  // One-way asymmetry a of a link: its slow direction takes latency * (1 + a), the reverse
  // latency * (1 - a) (a < 0 swaps them; 0 = symmetric). The slow direction runs from the lower
  // node id to the higher one, or back when slow_high_to_low. `asymmetry` is a constant, or a law
  // drawn once per link from the seed's "link_asymmetry" stream (sim/network/link_delay.hpp);
  // its support lies within [-1, 1] so that no latency is negative.
  Distribution asymmetry = Distribution::constant(0);
  bool slow_high_to_low = false;
  // The largest |a| the law can give: what the worst-case bound must allow.
  double max_abs_asymmetry() const {
    return std::max(std::fabs(asymmetry.lower_bound()), std::fabs(asymmetry.upper_bound()));
  }
  double loss = 0;  // probability in [0, 1]
};

struct LinkOverride {
  NodeId a = 0, b = 0;  // undirected
  LinkModel model;
};

struct LinksSpec {
  LinkModel defaults;
  std::vector<LinkOverride> overrides;
};

struct AlgorithmSpec {
  algorithms::LayerChoice sync;      // kind "none" when absent
  algorithms::LayerChoice election;  // kind empty when absent
};

// A Byzantine clock (a liar): its process runs as usual, but every clock reading it reports
// (a reply's t2/t3, a correction's value) is falsified on the way out, per destination.
struct ByzantineSpec {
  enum class Mode : std::uint8_t {
    kTwoFaced,   // `told_behind` hear it `lie` behind its clock, every other peer `lie` ahead
    kArbitrary,  // every report shifted by an independent uniform draw in [-lie, +lie]
  };
  Mode mode = Mode::kTwoFaced;
  Duration lie;
  std::vector<NodeId> told_behind;
};

struct FaultSpec {
  enum class Kind : std::uint8_t { kCrash, kRestart, kLinkDown, kLinkUp, kPartition, kHeal, kClockStep, kByzantine };
  Kind kind = Kind::kCrash;
  Duration at;
  std::optional<Duration> until;      // crash -> restart, link_down -> up, partition -> heal
  NodeId node = kNoNode;              // crash/restart/clock_step
  bool node_is_master = false;        // "crash: master": whoever is master at that time
  bool graceful = false;              // "stop:": a crash preceded by a graceful shutdown (on_shutdown)
  NodeId a = kNoNode, b = kNoNode;    // link_down/up
  std::vector<std::vector<NodeId>> groups;  // partition: every node in exactly one group
  Duration step;                      // clock_step
  ByzantineSpec byzantine;            // byzantine (node: the liar)
  SourceLocation where;
};

struct ExpectSpec {
  enum class Kind : std::uint8_t {
    kMaxSkew,          // max skew after `after` <= value (or the bound when use_bound)
    kMastersAtEnd,     // number of masters at the end == count
    kFailoverTimeMax,  // every failover completes within value
    kMaxAbsOffset,     // every up node's |offset| vs true time <= value after `after`
    kOffset,           // every up node's offset vs true time within value ± within (two-sided)
    kCausality,        // sync: logical: every pair of events' stamps agree with happened-before
  };
  Kind kind = Kind::kMaxSkew;
  Duration after;
  std::optional<Duration> until;
  // max_skew / max_abs_offset only: skip ticks at which there is not exactly one master, and
  // this long after each such interval ends: the bound is promised outside the master-less
  // interval, and the settle time covers the new master's first round.
  std::optional<Duration> outside_failover;
  Duration value;
  bool use_bound = false;
  double bound_factor = 1.0;  // "max_skew: 1.5 * bound"
  // max_skew / max_abs_offset: the largest value in the window must reach this too, so that a
  // hand-calculated result is checked from both sides (a run that does nothing cannot pass).
  std::optional<Duration> at_least;
  Duration within;            // offset: the tolerance around value
  std::int64_t count = 0;
  SourceLocation where;
};

struct OutputSpec {
  bool trace = true;
  bool skew = true;
  bool events = true;
  bool summary = true;
  bool messages = false;            // messages.csv: one row per message (opt-in: it grows with traffic)
  // links.csv: each link's asymmetry. Unset: written when some link draws its asymmetry per link.
  std::optional<bool> links;
  std::vector<NodeId> trace_nodes;  // empty: all nodes
  Duration trace_every;             // 0: every tick; else a multiple of tick
  bool compress_trace = false;      // output.compress: gzip writes trace.csv.gz instead
};

// What runs each simulated node: the algorithm object alone (effects carried out by the world), or
// the production node loop (node/loop/node_loop.hpp) around it, exchanging encoded, authenticated
// datagrams over the simulated network.
enum class NodeHost : std::uint8_t { kAlgorithm, kDaemon };
// The ordering lesson (scenarios/enrollment.yaml): requests reach `servers` as a Poisson stream
// of `requests_per_s` in all, each stamped by the server that takes it and forwarded to
// `central`, which orders them by those stamps (sim/output/ordering_probe).
struct OrderingSpec {
  std::vector<NodeId> servers;
  NodeId central = 0;
  double requests_per_s = 100;
};

struct ScenarioSpec {
  std::string name;
  std::string description;
  std::string source_file;
  std::uint64_t seed = 1;
  NodeHost host = NodeHost::kAlgorithm;
  // host: daemon: the clock guard limits every simulated clocksyncd runs (its config's `limits:`),
  // and those of the nodes given a `limits:` of their own (the top-level section with their keys
  // on top), as a cluster whose members' configs differ. Kept apart from NodeSpec, which a
  // 10^6-node scenario holds per node.
  ClockGuardConfig daemon_limits;
  std::map<NodeId, ClockGuardConfig> node_limits;
  const ClockGuardConfig& limits_of(NodeId id) const {
    const auto it = node_limits.find(id);
    return it == node_limits.end() ? daemon_limits : it->second;
  }
  Duration duration;
  Duration tick;
  // When the steady state starts for the summary's steady-state figures (docs/output-formats.md):
  // set, this long after the start; unset, after the first full sync round (sim/output/run_analysis).
  std::optional<Duration> warmup;
  std::vector<NodeSpec> nodes;
  ClockSpec clocks;
  TopologySpec topology;
  LinksSpec links;
  AlgorithmSpec algorithm;
  std::vector<FaultSpec> faults;
  std::vector<ExpectSpec> expects;
  OutputSpec output;
  std::optional<OrderingSpec> ordering;
};

}  // namespace clocksim::scenario
