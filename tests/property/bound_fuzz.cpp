// The bound fuzzer: random scenarios drawn over the space where clocksim claims a skew bound
// (docs/bounds.md), each run under the exact checker (sim/output/exact_skew), which must find
// the skew at or below the bound at every instant. A violation is shrunk (fewer nodes, faults,
// seconds) and the smallest YAML that still fails is written out.
//
//   bound_fuzz FIRST COUNT [--probe] [--print] [--out DIR] [--quiet]
//
// Case i is drawn from derive_seed(0xB0F2, i): the same case on every machine. --probe draws
// case i of the probe stream instead (draw_probe_case: Cristian, host: daemon, probe timeouts
// around the round trip; under host: daemon some members with guard limits of their own);
// --print writes the cases' YAML and runs none. Families:
//   adversarial  drift-free, adversarial latency, static master (the reading-error worst case)
//   drift        high drift (10^3..10^5 ppm) dominating the bound, static master
//   static       everything else without faults: topologies star/mesh, latency laws with
//                asymmetry (constant or drawn per link), quantum, resolution, measurement and
//                averaging options, slews, SETTIME thresholds and LOSTHOST (drawn from a stream of their own)
//   disrupted    elections (tsp, bully, ring, standby), crashes and restarts of slaves and the
//                master, partitions, clock steps, cut links, message loss (full mesh)
//   welch_lynch  drawn in place of some adversarial cases: fault-tolerant averaging (in some
//                cases under host: daemon with guard limits around its corrections, some
//                members with limits of their own), every combine, up to f two-faced liars
// and in some static cases rate corrections, often clamped below the drift.
// The cases write neither trace.csv nor skew.csv, so their ticks read no clock (the offsets'
// extremes come from the checker's tournament, the roles from the nodes that changed). Each
// claimed case runs again writing skew.csv, whose ticks read every clock: summary.json and
// events.csv must be the same byte for byte, or the case fails.
// Prints one line per family: scenarios, claimed (the model gave a bound), worst skew/bound;
// exit 1 on any violation, 2 on a usage error.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "algorithms/core/rng.hpp"
#include "sim/bound/skew_bound.hpp"
#include "sim/run/run_scenario.hpp"
#include "sim/scenario/loader.hpp"

namespace {

namespace fs = std::filesystem;
using clocksim::Rng;

struct Fault {
  double at_s;
  std::string text;  // the YAML flow mapping
};

// A scenario as the fuzzer draws and shrinks it.
struct Case {
  std::string family;
  int nodes = 4;
  double duration_s = 60;
  double tick_ms = 100;
  std::string clocks;    // YAML lines under clocks:
  std::string topology;  // value
  std::string links;     // YAML lines under links:
  std::string sync;      // flow mapping
  std::string election;  // flow mapping or empty
  std::vector<Fault> faults;
  std::uint64_t seed = 1;
  std::string host;  // empty: the default host (algorithm)
  std::string limits;  // host: daemon: a flow mapping of clocksyncd's guard limits, or empty (its defaults)
  // host: daemon: nodes given guard limits of their own (node id, flow mapping); those past
  // `nodes` (a shrunk case) are left out.
  std::vector<std::pair<int, std::string>> node_limits;

  std::string yaml() const {
    std::ostringstream y;
    y << "name: fuzz-" << family << "\nseed: " << seed;
    if (!host.empty()) y << "\nhost: " << host;
    if (!limits.empty()) y << "\nlimits: " << limits;
    y << "\nduration: " << duration_s << "s\ntick: " << tick_ms << "ms\nnodes: ";
    std::string own;
    for (const auto& [id, l] : node_limits) {
      if (id < nodes) own += std::string(own.empty() ? "" : ", ") + "n" + std::to_string(id) + ": {limits: " + l + "}";
    }
    if (own.empty()) {
      y << nodes;
    } else {
      y << "{count: " << nodes << ", overrides: {" << own << "}}";
    }
    y << "\nclocks:\n"
      << clocks << "topology: " << topology << "\nlinks:\n"
      << links << "algorithm:\n  sync: " << sync << "\n";
    if (!election.empty()) y << "  election: " << election << "\n";
    if (!faults.empty()) {
      y << "faults:\n";
      for (const auto& f : faults) y << "  - " << f.text << "\n";
    }
    y << "expect:\n  - {max_skew: bound}\noutput: {trace: false, skew: false, events: true, summary: true}\n";
    return y.str();
  }
};

class Draw {
 public:
  explicit Draw(std::uint64_t seed) : rng_(seed) {}
  double uniform(double lo, double hi) { return lo + (hi - lo) * rng_.uniform01(); }
  int integer(int lo, int hi) { return lo + static_cast<int>(rng_.uniform01() * (hi - lo + 1)); }
  bool chance(double p) { return rng_.uniform01() < p; }
  template <typename T>
  const T& pick(const std::vector<T>& v) { return v[static_cast<std::size_t>(integer(0, static_cast<int>(v.size()) - 1))]; }
  std::uint64_t next() { return rng_(); }

 private:
  Rng rng_;
};

std::string ms(double v) {
  char b[48];
  std::snprintf(b, sizeof b, "%.3fms", v);
  return b;
}

std::string latency_law(Draw& d, double lo_ms, double hi_ms, bool adversarial) {
  if (adversarial) return "\"adversarial(" + ms(lo_ms) + ", " + ms(hi_ms) + ")\"";
  if (hi_ms - lo_ms < 1e-3 || d.chance(0.15)) return ms(lo_ms);
  return "\"uniform(" + ms(lo_ms) + ", " + ms(hi_ms) + ")\"";
}

// The sync block: every measurement and averaging option, quantum, resolution, slews, steps.
// `timed`: a stream of its own for timed 4.4's host table and SETTIME, so that adding them left
// every other draw of a case as it was.
std::string berkeley(Draw& d, double period_s, double step_threshold_ms, bool rich, Draw* timed = nullptr) {
  std::ostringstream s;
  s << "{kind: berkeley, period: " << period_s << "s, step_threshold: " << ms(step_threshold_ms);
  if (rich) {
    s << ", measurement: " << d.pick<std::string>({"timed", "cristian"});
    s << ", average: " << d.pick<std::string>({"fault_tolerant", "plain", "median"});
    if (d.chance(0.2)) s << ", round_trip_compensation: false";
    if (d.chance(0.3)) s << ", quantum: " << ms(d.pick<double>({1, 5}));
    if (d.chance(0.3)) s << ", resolution: " << ms(d.pick<double>({0.1, 1}));
    if (d.chance(0.3)) s << ", probes: " << d.integer(1, 10) << ", good_replies: " << d.integer(1, 5);
    if (d.chance(0.2)) s << ", first_round_delay: " << d.integer(0, 3) << "s";
    if (timed != nullptr) {
      // SETTIME (its error is the transit, docs/bounds.md §4.1b): a threshold the corrections
      // reach, or timed's 20 s; LOSTHOST: drop at the first failure, timed's 3, or never.
      if (timed->chance(0.4)) s << ", settime_threshold: " << timed->pick<std::string>({"0s", "1ms", "5ms", "30ms"});
      if (timed->chance(0.4)) s << ", lost_host_rounds: " << timed->pick<std::string>({"0", "1", "2"});
    }
    // Without a drawn quantum or resolution the defaults apply: timed's 5 ms and 1 ms.
  } else {
    // Exact arithmetic, so that the tightness of the other terms is measured undiluted by q.
    s << ", quantum: 0s, resolution: 0s";
  }
  s << "}";
  return s.str();
}

std::string clocks(Draw& d, double drift_ppm, double spread_ms, double slew_ppm) {
  std::ostringstream c;
  c << "  drift_ppm: " << (drift_ppm > 0 ? "\"uniform(" + std::to_string(-drift_ppm) + ", " + std::to_string(drift_ppm) + ")\"" : "0")
    << "\n";
  if (spread_ms <= 0) {
    c << "  initial_offset: 0ms\n";
  } else {
    c << "  initial_offset: \"uniform(" << ms(-spread_ms / 2) << ", " << ms(spread_ms / 2) << ")\"\n";
  }
  c << "  max_slew_ppm: " << slew_ppm << "\n";
  if (d.chance(0.1)) c << "  resolution: " << d.pick<std::string>({"1us", "10us"}) << "\n";
  return c.str();
}

// Welch-Lynch over the adversarial family's clocks and links: 3..10 nodes, every combine, up to
// f faults tolerated and, with the midpoint and n >= 3f + 1, up to f two-faced liars.
void make_welch_lynch(Case& c, Draw& ext, double period_s) {
  c.family = "welch_lynch";
  c.nodes = ext.integer(3, 10);
  const int f = ext.integer(0, (c.nodes - 1) / 3);
  const bool midpoint = f > 0 || ext.chance(0.5);
  c.sync = "{kind: welch_lynch, period: " + std::to_string(static_cast<int>(period_s)) + "s, faults: " +
           std::to_string(f) + ", combine: " + (midpoint ? "midpoint" : "mean") + "}";
  c.election.clear();
  c.faults.clear();
  if (midpoint && f > 0 && ext.chance(0.6)) {
    const int liars = ext.integer(1, f);
    for (int l = 0; l < liars; ++l) {
      std::ostringstream t;
      t << "{at: 0s, byzantine: {node: n" << c.nodes - 1 - l << ", mode: two_faced, lie: " << ms(ext.uniform(0.5, 50))
        << "}}";
      c.faults.push_back({0, t.str()});
    }
  }
}

// One to three members (of c.nodes) given limits of their own, drawn by `limits` from `own`.
void draw_node_limits(Case& c, Draw& own, std::string (*limits)(Draw&)) {
  for (int i = own.integer(1, std::min(3, c.nodes)); i > 0; --i) {
    const int id = own.integer(0, c.nodes - 1);
    if (std::none_of(c.node_limits.begin(), c.node_limits.end(), [&](const auto& e) { return e.first == id; })) {
      c.node_limits.emplace_back(id, limits(own));
    }
  }
  std::sort(c.node_limits.begin(), c.node_limits.end());
}

// clocksyncd's guard limits around a Welch-Lynch round's corrections (the initial spread up to
// 100 ms, then a few ms): a panic threshold on both sides of them, over windows that do and do not
// hold many rounds; min_step slewing the steps the model counts on; start-up rules.
std::string welch_lynch_limits(Draw& d) {
  std::ostringstream s;
  s << "{panic_threshold: " << d.pick<std::string>({"0s", "2ms", "10ms", "50ms", "150ms", "1s", "1000s"})
    << ", panic_window: " << d.pick<std::string>({"0s", "30s", "1m", "1h"})
    << ", min_step: " << d.pick<std::string>({"0s", "0s", "0s", "100us"})
    << ", master_max_adjust: " << d.pick<std::string>({"0s", "1ms", "1s"})
    << ", startup_updates: " << d.pick<int>({0, 1, 3}) << ", startup_quorum: " << d.pick<int>({0, 1, 2}) << "}";
  return s.str();
}

// An election kind and up to four crashes (slave or master, with or without restart),
// partitions and clock steps, drawn for the node count and duration already in `c`; from `ext`,
// sometimes a cut link. The faults come out in time order.
void draw_disruptions(Case& c, Draw& d, Draw& ext) {
  const std::string kind = d.pick<std::string>({"tsp", "bully", "ring", "standby", ""});
  if (!kind.empty()) c.election = "{kind: " + kind + "}";
  const int faults = d.integer(0, 4);
  for (int f = 0; f < faults; ++f) {
    const double at = std::floor(d.uniform(5, c.duration_s - 5));
    const double until = std::min(c.duration_s - 1, at + std::floor(d.uniform(5, 40)));
    const std::string node = "n" + std::to_string(d.integer(0, c.nodes - 1));
    std::ostringstream t;
    switch (d.integer(0, 4)) {
      case 0: t << "{at: " << at << "s, crash: master, until: " << until << "s}"; break;
      case 1: t << "{at: " << at << "s, crash: " << node << ", until: " << until << "s}"; break;
      case 2: t << "{at: " << at << "s, partition: [[n0], rest], until: " << until << "s}"; break;
      case 3: t << "{at: " << at << "s, clock_step: {node: " << node << ", by: " << ms(d.uniform(-50, 50)) << "}}"; break;
      default: t << "{at: " << at << "s, crash: " << node << "}"; break;
    }
    c.faults.push_back({at, t.str()});
  }
  if (ext.chance(0.3)) {
    // A cut link: its messages go round by two hops or more while it is down.
    const double at = std::floor(ext.uniform(5, c.duration_s - 5));
    const int a = ext.integer(0, c.nodes - 1);
    const int b = (a + ext.integer(1, c.nodes - 1)) % c.nodes;
    std::ostringstream t;
    t << "{at: " << at << "s, link_down: [n" << a << ", n" << b << "]";
    if (ext.chance(0.5)) t << ", until: " << std::min(c.duration_s - 1, at + std::floor(ext.uniform(5, 40))) << "s";
    t << "}";
    c.faults.push_back({at, t.str()});
  }
  std::sort(c.faults.begin(), c.faults.end(), [](const Fault& a, const Fault& b) { return a.at_s < b.at_s; });
}

Case draw_case(std::uint64_t index) {
  Draw d(clocksim::derive_seed(clocksim::derive_seed(0xB0F2, "bound_fuzz"), index));
  Draw timed(clocksim::derive_seed(clocksim::derive_seed(0xB0F2, "bound_fuzz.timed"), index));
  // What was added later draws from a stream of its own, so that every other draw of a case stayed
  // as it was: rate corrections against their clamp (static), cut links (disrupted), Welch-Lynch
  // in place of Berkeley (adversarial).
  Draw ext(clocksim::derive_seed(clocksim::derive_seed(0xB0F2, "bound_fuzz.ext"), index));
  Case c;
  c.seed = d.next() % 1000000 + 1;
  const int family = static_cast<int>(index % 4);
  const double lo = d.uniform(0, 3), hi = lo + d.uniform(0, 5);
  const double period = d.pick<double>({2, 5, 10});
  c.tick_ms = d.pick<double>({10, 50, 100});
  c.duration_s = period * d.integer(4, 10);
  // Initial spread: 0, below K (the reading error), or wide.
  const double spread = d.pick<double>({0.0, (hi - lo) / 2, d.uniform(0, 100)});
  switch (family) {
    case 0: {
      c.family = "adversarial";
      c.nodes = d.integer(2, 64);
      c.clocks = clocks(d, 0, spread, d.pick<double>({5000, 50000}));
      c.topology = "full_mesh";
      c.links = "  latency: " + latency_law(d, lo, std::max(hi, lo + 1), true) + "\n";
      c.sync = berkeley(d, period, 1000, false);
      if (ext.chance(0.3)) {
        make_welch_lynch(c, ext, period);
        // From a stream of its own, so that every other draw of the case is what it was.
        Draw host(clocksim::derive_seed(clocksim::derive_seed(0xB0F2, "bound_fuzz.welch_lynch.host"), index));
        if (host.chance(0.4)) {
          c.host = "daemon";
          c.limits = welch_lynch_limits(host);
          // Some members with limits of their own (their configs differ): every node corrects
          // itself each round, so each member's limits must let its corrections through.
          Draw own(clocksim::derive_seed(clocksim::derive_seed(0xB0F2, "bound_fuzz.welch_lynch.node_limits"), index));
          if (own.chance(0.3)) draw_node_limits(c, own, welch_lynch_limits);
        }
      }
      break;
    }
    case 1: {
      c.family = "drift";
      c.nodes = d.integer(2, 32);
      const double drift = d.pick<double>({1e3, 1e4, 1e5});
      c.clocks = clocks(d, drift, spread, 500);
      c.topology = "full_mesh";
      c.links = "  latency: " + ms(lo) + "\n";
      c.sync = berkeley(d, period, 0, false);  // steps: the drift term dominates
      break;
    }
    case 2: {
      c.family = "static";
      c.nodes = d.integer(2, 64);
      const double drift = d.pick<double>({0.0, 10.0, 100.0, 1000.0});
      c.clocks = clocks(d, drift, spread, d.pick<double>({100.0, 500.0, 5000.0, 50000.0}));
      c.topology = d.chance(0.3) ? "star" : "full_mesh";
      c.links = "  latency: " + latency_law(d, lo, hi, d.chance(0.3)) + "\n";
      if (d.chance(0.3)) {
        // One asymmetry for every link, or one drawn per link (either slow direction): the bound
        // must allow the largest |a| the law can give.
        const double w = d.uniform(0.01, 0.5);
        const int form = d.integer(0, 2);
        c.links += form == 0   ? "  asymmetry: " + std::to_string(d.uniform(-0.5, 0.5)) + "\n"
                   : form == 1 ? "  asymmetry: \"uniform(" + std::to_string(-w) + ", " + std::to_string(w) + ")\"\n"
                               : "  asymmetry: {draw: \"uniform(0, " + std::to_string(w) + ")\", slow: high_to_low}\n";
      }
      c.sync = berkeley(d, period, d.pick<double>({0.0, 1.0, 20.0}), true, &timed);
      if (ext.chance(0.3)) {
        // Rate corrections, often clamped below the drift they face.
        c.clocks = clocks(ext, ext.pick<double>({100.0, 1000.0, 3000.0}), spread, ext.pick<double>({500.0, 5000.0}));
        c.sync.pop_back();  // the closing brace
        c.sync += ", rate_correction: true, max_rate_correction_ppm: " +
                  std::to_string(ext.pick<int>({50, 200, 1000, 5000})) +
                  ", rate_window: " + std::to_string(ext.pick<int>({2, 4, 8})) + "}";
      }
      break;
    }
    default: {
      c.family = "disrupted";
      c.nodes = d.integer(3, 16);
      c.duration_s = std::max(60.0, period * d.integer(10, 20));
      c.clocks = clocks(d, d.pick<double>({0.0, 20.0, 100.0}), spread, 500);
      c.topology = "full_mesh";
      c.links = "  latency: " + latency_law(d, lo, hi, d.chance(0.2)) + "\n";
      if (d.chance(0.3)) c.links += "  loss: " + std::to_string(d.pick<double>({0.01, 0.05, 0.2})) + "\n";
      c.sync = berkeley(d, period, 1, true, &timed);
      draw_disruptions(c, d, ext);
      break;
    }
  }
  return c;
}

// A probe, reply or ACK timeout around the longest round trip `rtt_max_ms`: well below it, just below,
// on it, just above and well above. The models claim a bound only when every round trip beats
// the timeout as the prober's clock counts it (1 + ρ + s fast at most), so the draws straddle
// that edge from both sides.
std::string timeout_around(Draw& d, double rtt_max_ms) {
  const double factor = d.pick<double>({0.3, 0.8, 0.99, 1.0, 1.001, 1.01, 1.06, 1.2, 3.0});
  return ms(std::max(0.001, factor * rtt_max_ms));
}

// Latency and asymmetry lines under links:, and the longest one-way delay they allow (ms).
std::string probe_links(Draw& d, double lo_ms, double hi_ms, double& d_max_ms) {
  std::string links = "  latency: " + latency_law(d, lo_ms, hi_ms, d.chance(0.3)) + "\n";
  d_max_ms = hi_ms;
  if (d.chance(0.3)) {
    const double a = d.uniform(0.01, 0.5);
    links += d.chance(0.5) ? "  asymmetry: " + std::to_string(a) + "\n"
                           : "  asymmetry: \"uniform(" + std::to_string(-a) + ", " + std::to_string(a) + ")\"\n";
    d_max_ms = hi_ms * (1 + a);
  }
  return links;
}

// clocksyncd's guard limits for a host: daemon case, around the corrections the case asks for:
// a master's own (master_max_adjust), any (panic_threshold, over panic_window), steps the guard
// slews (min_step against the algorithm's step_threshold), frequency clamps, start-up rules. Or
// none (the defaults) half the time.
std::string guard_limit_values(Draw& d);
std::string guard_limits(Draw& d) {
  if (d.chance(0.5)) return "";
  return guard_limit_values(d);
}
std::string guard_limit_values(Draw& d) {
  std::ostringstream s;
  s << "{master_max_adjust: " << d.pick<std::string>({"0s", "100ms", "500ms", "1s", "2s", "5s", "30s"})
    << ", panic_threshold: " << d.pick<std::string>({"0s", "1s", "10s", "100s", "1000s", "5000s"})
    << ", panic_window: " << d.pick<std::string>({"0s", "1m", "10m", "1h"})
    << ", min_step: " << d.pick<std::string>({"0s", "0s", "500us", "1ms", "10ms", "1s", "30s"})
    << ", max_rate_ppm: " << d.pick<int>({50, 200, 500, 2000})
    << ", startup_updates: " << d.pick<int>({0, 1, 3, 10})
    << ", startup_quorum: " << d.pick<int>({0, 1, 2, 3}) << "}";
  return s.str();
}

// The probe stream (bound_fuzz --probe): what the main stream never draws, from a seed of its
// own so that the main stream's cases stayed as they were. Families:
//   cristian  Cristian's clients and server (static, named leader, or elected), probes, periods,
//             step thresholds, min_delay, probe timeouts around the round trip; host algorithm
//             or daemon
//   hosted    Berkeley under host: daemon (clocksyncd's clock guard with its defaults, or limits
//             drawn around the case's corrections): spreads, drifts and rate clamps on both sides
//             of the guard's limits, with or without disruptions
//   timeouts  Berkeley under host: algorithm with probe timeouts, measure caps and ACK waits
//             around the round trip, rate correction, slave timeouts around the period, with or
//             without disruptions
Case draw_probe_case(std::uint64_t index) {
  Draw d(clocksim::derive_seed(clocksim::derive_seed(0xB0F2, "bound_fuzz.probe"), index));
  // The guard's limits from a stream of their own, so that every other draw of a case stayed as
  // it was before scenarios could set them.
  Draw limits(clocksim::derive_seed(clocksim::derive_seed(0xB0F2, "bound_fuzz.probe.limits"), index));
  // Likewise the timeouts family's rate corrections and slave timeouts.
  Draw extra(clocksim::derive_seed(clocksim::derive_seed(0xB0F2, "bound_fuzz.probe.extra"), index));
  Case c;
  c.seed = d.next() % 1000000 + 1;
  const double lo = d.uniform(0, 3), hi = lo + d.uniform(0, 5);
  const double period = d.pick<double>({1, 2, 5, 10, 20});
  c.tick_ms = d.pick<double>({10, 50, 100});
  c.duration_s = period * d.integer(4, 10);
  // Wide spreads (0.5-4 s) ask the master for more than the guard's master_max_adjust (1 s); the
  // widest (1500-3000 s) ask any node for more than its panic_threshold (1000 s).
  const double spread = d.pick<double>(
      {0.0, (hi - lo) / 2, d.uniform(0, 100), d.uniform(500, 4000), d.uniform(500, 4000), d.uniform(1.5e6, 3e6)});
  double d_max = hi;
  switch (index % 3) {
    case 0: {
      c.family = "cristian";
      c.nodes = d.integer(2, 32);
      c.clocks = clocks(d, d.pick<double>({0.0, 10.0, 100.0, 1000.0, 10000.0, 100000.0}), spread,
                        d.pick<double>({100.0, 500.0, 5000.0, 50000.0}));
      const int leader = d.chance(0.5) ? d.integer(0, c.nodes - 1) : -1;
      const int server = std::max(leader, 0);
      // A star around the server, or (rarely) around a client: then a client is two hops away.
      c.topology = d.chance(0.25) ? "star(n" + std::to_string(d.chance(0.8) ? server : d.integer(0, c.nodes - 1)) + ")"
                                  : "full_mesh";
      c.links = probe_links(d, lo, hi, d_max);
      std::ostringstream s;
      s << "{kind: cristian, period: " << period << "s, probes: " << d.integer(1, 10)
        << ", step_threshold: " << d.pick<std::string>({"0s", "1ms", "20s"});
      if (d.chance(0.8)) s << ", probe_timeout: " << timeout_around(d, 2 * d_max);
      if (d.chance(0.3)) s << ", min_delay: " << ms(lo);
      s << "}";
      c.sync = s.str();
      const std::string elected = d.pick<std::string>({"tsp", "bully", "ring", "standby"});
      if (leader >= 0) {
        c.election = "{kind: static, leader: " + std::to_string(leader) + "}";
      } else if (d.chance(0.2)) {
        c.election = "{kind: " + elected + "}";
      }
      if (d.chance(0.4)) {
        c.host = "daemon";
        c.limits = guard_limits(limits);
      }
      break;
    }
    case 1:
    case 2: {
      const bool hosted = index % 3 == 1;
      c.family = hosted ? "hosted" : "timeouts";
      if (hosted) {
        c.host = "daemon";
        c.limits = guard_limits(limits);
      }
      c.nodes = d.integer(2, 32);
      c.clocks = clocks(d, d.pick<double>({0.0, 100.0, 1000.0, 10000.0, 100000.0}), spread,
                        d.pick<double>({500.0, 5000.0, 50000.0}));
      c.topology = d.chance(0.2) ? "star" : "full_mesh";
      c.links = probe_links(d, lo, hi, d_max);
      c.sync = berkeley(d, period, d.pick<double>({0.0, 1.0, 20000.0}), true, &d);
      c.sync.pop_back();  // the closing brace
      if (!hosted || d.chance(0.5)) {
        c.sync += ", probe_timeout: " + timeout_around(d, 2 * d_max);
        if (d.chance(0.3)) c.sync += ", measure_cap: " + timeout_around(d, 2 * d_max * d.integer(1, 4));
      }
      if (d.chance(0.4)) {
        // A correction's ACK: acksend's first wait around the round trip, over 1-5 sends (a
        // SETTIME goes once).
        c.sync += ", ack_timeout: " + timeout_around(d, 2 * d_max) + ", ack_tries: " + std::to_string(d.integer(1, 5));
      }
      if (hosted && d.chance(0.3)) {
        // Frequency corrections on both sides of the guard's clamp (500 ppm).
        c.sync += ", rate_correction: true, max_rate_correction_ppm: " + std::to_string(d.pick<int>({50, 200, 500, 1000, 5000}));
      } else if (!hosted && extra.chance(0.3)) {
        // Rate correction with the ACK waits and probe timeouts above: a late ACK restarts a
        // slave's rate fit.
        c.sync += ", rate_correction: true, rate_window: " + std::to_string(extra.integer(2, 6));
      }
      if (extra.chance(0.3)) {
        // A slave that hears no master for this long announces itself again (SLAVEUP), and a
        // master that had dropped it takes it back: around the period, shorter than a round
        // can take.
        c.sync += ", slave_timeout: " + ms(period * 1000 * extra.pick<double>({0.3, 0.5, 1.0, 1.5, 3.0}));
      }
      c.sync += "}";
      if (d.chance(0.4) && c.sync.find("rate_correction") == std::string::npos) {
        c.nodes = std::max(c.nodes, 3);
        c.topology = "full_mesh";
        c.duration_s = std::max(60.0, period * d.integer(10, 20));
        if (d.chance(0.3)) c.links += "  loss: " + std::to_string(d.pick<double>({0.01, 0.05})) + "\n";
        draw_disruptions(c, d, d);
      }
      break;
    }
  }
  // Under host: daemon, some members run limits of their own (their clocksyncd configs differ):
  // from a stream of their own, so that every other draw of a case stayed as it was.
  Draw own(clocksim::derive_seed(clocksim::derive_seed(0xB0F2, "bound_fuzz.probe.node_limits"), index));
  if (c.host == "daemon" && own.chance(0.3)) draw_node_limits(c, own, guard_limit_values);
  return c;
}

struct Result {
  bool loaded = false;
  bool claimed = false;  // the model gave a bound
  bool passed = true;
  double ratio = 0;
  std::string why;
  // timed 4.4's behaviour that the case exercised (events.csv): a SETTIME sent, a host dropped.
  bool set_time = false;
  bool dropped = false;
};

// A run's file less the lines that time the run itself (summary.json's wall_time_s, events_per_s).
std::string results_text(const fs::path& file) {
  std::ifstream in(file);
  std::string kept;
  for (std::string line; std::getline(in, line);) {
    if (line.find("\"wall_time_s\"") == std::string::npos && line.find("\"events_per_s\"") == std::string::npos) {
      kept += line + "\n";
    }
  }
  return kept;
}

Result run_case(const Case& c, const fs::path& dir) {
  Result r;
  clocksim::scenario::ScenarioSpec spec;
  try {
    spec = clocksim::scenario::load_scenario_text(c.yaml(), "fuzz-" + c.family);
  } catch (const std::exception& e) {
    r.why = e.what();
    return r;
  }
  r.loaded = true;
  const auto bound = clocksim::sim::make_skew_bound(spec);
  if (!bound.bound) {
    r.why = std::string(clocksim::bounds::no_bound_word(bound.no_bound.why));
    return r;
  }
  r.claimed = true;
  std::ostringstream sink;
  clocksim::sim::RunOptions options;
  options.out_dir = dir.string();
  options.quiet = true;
  const auto outcome = clocksim::sim::run_scenario(spec, options, sink);
  r.passed = outcome.expectations_passed;
  clocksim::scenario::ScenarioSpec every_clock = spec;
  every_clock.output.skew = true;
  options.out_dir = (dir / "reading-every-clock").string();
  clocksim::sim::run_scenario(every_clock, options, sink);
  for (const char* name : {"summary.json", "events.csv"}) {
    if (results_text(dir / name) != results_text(dir / "reading-every-clock" / name)) {
      r.passed = false;
      r.why += std::string(name) + " differs when every tick reads every clock (skew.csv written); ";
    }
  }
  std::ifstream in(dir / "summary.json");
  const auto j = nlohmann::json::parse(in);
  const auto& ratio = j["results"]["worst_skew_over_bound"];
  r.ratio = ratio.is_number() ? ratio.get<double>() : 0.0;
  std::ifstream events(dir / "events.csv");
  for (std::string line; std::getline(events, line);) {
    r.set_time = r.set_time || line.find(",settime_sent,") != std::string::npos;
    r.dropped = r.dropped || line.find(",host_dropped,") != std::string::npos;
  }
  if (!r.passed) {
    for (const auto& e : j["expects"]) r.why += e["detail"].get<std::string>();
  }
  return r;
}

// Smaller variants of a failing case, most drastic first.
std::vector<Case> shrink_steps(const Case& c) {
  std::vector<Case> v;
  if (c.nodes > 2) {
    Case s = c;
    s.nodes = std::max(2, c.nodes / 2);
    v.push_back(s);
    s.nodes = c.nodes - 1;
    v.push_back(s);
  }
  for (std::size_t i = 0; i < c.faults.size(); ++i) {
    Case s = c;
    s.faults.erase(s.faults.begin() + static_cast<std::ptrdiff_t>(i));
    v.push_back(s);
  }
  const double last_fault = c.faults.empty() ? 0 : c.faults.back().at_s;
  const double shorter = std::max({c.tick_ms / 1000, last_fault + 1, std::floor(c.duration_s / 2)});
  if (shorter < c.duration_s) {
    Case s = c;
    s.duration_s = shorter;
    v.push_back(s);
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: bound_fuzz FIRST COUNT [--probe] [--print] [--out DIR] [--quiet]\n";
    return 2;
  }
  const std::uint64_t first = std::stoull(argv[1]);
  const std::uint64_t count = std::stoull(argv[2]);
  fs::path out;
  bool quiet = false, probe = false, print = false;
  for (int i = 3; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (a == "--quiet") {
      quiet = true;
    } else if (a == "--probe") {
      probe = true;
    } else if (a == "--print") {
      print = true;
    } else {
      std::cerr << "bound_fuzz: unknown option '" << a << "'\n";
      return 2;
    }
  }
  if (out.empty()) out = fs::temp_directory_path() / ((probe ? "bound_fuzz_probe_" : "bound_fuzz_") + std::to_string(first));
  if (print) {
    for (std::uint64_t i = first; i < first + count; ++i) {
      std::cout << "# case " << i << "\n" << (probe ? draw_probe_case(i) : draw_case(i)).yaml();
    }
    return 0;
  }
  fs::create_directories(out);
  struct Family {
    std::uint64_t cases = 0, claimed = 0, violations = 0, set_time = 0, dropped = 0;
    std::uint64_t own_limits = 0, own_limits_claimed = 0;  // cases whose members run limits of their own
    double worst = 0;
    std::uint64_t worst_case = 0;
  };
  std::map<std::string, Family> families;
  std::map<std::string, std::uint64_t> unclaimed_reasons;
  int failures = 0;
  for (std::uint64_t i = first; i < first + count; ++i) {
    const Case c = probe ? draw_probe_case(i) : draw_case(i);
    const fs::path dir = out / ("case-" + std::to_string(i));
    Result r = run_case(c, dir);
    Family& f = families[c.family];
    ++f.cases;
    const bool own_limits = !c.node_limits.empty();
    f.own_limits += own_limits ? 1 : 0;
    if (!r.loaded) {
      std::cerr << "case " << i << ": the generator wrote an invalid scenario: " << r.why << "\n" << c.yaml();
      return 2;
    }
    if (!r.claimed) {
      ++unclaimed_reasons[c.family + ": " + r.why];
      fs::remove_all(dir);
      continue;
    }
    ++f.claimed;
    f.own_limits_claimed += own_limits ? 1 : 0;
    if (r.ratio > f.worst) {
      f.worst = r.ratio;
      f.worst_case = i;
    }
    f.set_time += r.set_time ? 1 : 0;
    f.dropped += r.dropped ? 1 : 0;
    if (r.passed) {
      fs::remove_all(dir);
      continue;
    }
    ++f.violations;
    ++failures;
    // Shrink: take any smaller variant that still fails, until none does.
    Case smallest = c;
    for (bool progress = true; progress;) {
      progress = false;
      for (const Case& s : shrink_steps(smallest)) {
        const Result rs = run_case(s, out / "shrink");
        if (rs.claimed && !rs.passed) {
          smallest = s;
          progress = true;
          break;
        }
      }
    }
    const fs::path yaml = out / ("violation-" + std::to_string(i) + ".yaml");
    std::ofstream(yaml) << smallest.yaml();
    std::cout << "VIOLATION case " << i << " (" << c.family << "): " << r.why << "\n  smallest: " << yaml.string()
              << "\n";
  }
  for (const auto& [name, f] : families) {
    char line[240];
    std::snprintf(line, sizeof line,
                  "%-12s scenarios %5llu  claimed %5llu  violations %llu  worst skew/bound %.3f (case %llu)\n",
                  name.c_str(), static_cast<unsigned long long>(f.cases), static_cast<unsigned long long>(f.claimed),
                  static_cast<unsigned long long>(f.violations), f.worst,
                  static_cast<unsigned long long>(f.worst_case));
    std::cout << line;
  }
  for (const auto& [name, f] : families) {
    std::cout << "  " << name << ": " << f.set_time << " claimed case(s) sent a SETTIME, " << f.dropped
              << " dropped a host";
    if (f.own_limits > 0) std::cout << "; " << f.own_limits_claimed << " claimed of " << f.own_limits << " with members' own limits";
    std::cout << "\n";
  }
  if (!quiet) {
    for (const auto& [why, n] : unclaimed_reasons) std::cout << "  no bound (" << n << "): " << why << "\n";
  }
  return failures > 0 ? 1 : 0;
}
