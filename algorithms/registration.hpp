// How an algorithm declares itself, next to its own code: a file `<name>_registration.cpp` in
// the algorithm's folder defines
//
//     AlgorithmRegistration clocksim::algorithms::registrations::<name>_registration();
//
// returning its kind, layer, summary, parameters, factories and bound declaration. The build
// finds every such file (cmake/registration_list.cmake) and links it into registered_algorithms();
// the catalogue, `clocksim schema`, docs/scenario-reference.md, the scenario loader, the daemon's
// config reader and make_stack all read from there. docs/extending.md walks through one.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "algorithms/core/algorithm.hpp"
#include "algorithms/core/layers.hpp"
#include "algorithms/core/logical_event.hpp"
#include "algorithms/core/params.hpp"
#include "algorithms/election/common/election_setup.hpp"

namespace clocksim::algorithms {

enum class Layer : std::uint8_t { kSync, kElection };

// Parameters whose values, together, make no sense (NTP's maxpoll below its minpoll).
struct ParamConflict {
  std::vector<std::string> params;  // the parameters involved, the one to blame first
  std::string why;
};

struct AlgorithmInfo {
  std::string kind;  // as written in a scenario: "none", "berkeley", "tsp", ...
  Layer layer;
  std::string summary;
  std::vector<ParamSpec> params;
  // Sync layers: whether it can run under an election (its registration has make_led); filled
  // in by the catalogue, so that a scenario naming both is refused on loading.
  bool runs_under_election = true;
  // It answers every message with another and arms no timer, so over links that always take no
  // time its run would never leave t = 0: the loader refuses a zero default latency for it.
  bool needs_link_delay = false;
  // Constraints between parameters that no single parameter's range can say; empty: none. The
  // scenario loader and clocksyncd's config reader both ask it, and point at the first of
  // `params` that the user wrote.
  std::function<std::optional<ParamConflict>(const ParamSet&)> check_params = nullptr;
};

struct LayerChoice {
  std::string kind;  // empty: no such layer
  ParamSet params;   // every declared parameter filled in
};

struct StackSetup {
  Membership membership;
  std::uint64_t seed = 0;  // the algorithm's own random stream
  LayerChoice sync;
  LayerChoice election;
  bool can_be_master = true;  // timed's -M: a node without it never stands for election
  // The highest election number the node's earlier incarnations started (the simulator carries
  // it across a restart, clocksyncd in its state file: algorithms/core/stable_state.hpp). See
  // algorithms/core/election_id.hpp.
  std::uint32_t elections_before = 0;
  // Likewise the logical clocks' stable storage (algorithms/core/logical_event.hpp).
  LogicalState logical_before;
  // This node's place in a time hierarchy (NTP): the servers it polls (empty: the algorithm's
  // default) and whether its host gives it a reference clock (Algorithm::on_reference).
  std::vector<NodeId> servers;
  bool reference_clock = false;
  // The nodes this one shares a link with, ascending (empty: every peer, as on a full mesh, or
  // when the host does not know its topology, as the daemon, whose peers are all reachable).
  std::vector<NodeId> neighbours;
};

// Whether a sync algorithm has a worst-case skew bound. The bound function itself needs the whole
// scenario (clock, link and fault models), which only the engine sees, so it is registered there
// under the same kind: sim/bound/<kind>_bound_hook.cpp (see sim/bound/bound_hook.hpp). An
// algorithm without one says why, and skew.csv and summary.json show that reason.
struct BoundDeclaration {
  std::string no_bound_reason;  // empty: the engine has a bound hook for this kind

  static BoundDeclaration hook() { return {}; }
  static BoundDeclaration none(std::string why) { return {std::move(why)}; }
  bool has_hook() const { return no_bound_reason.empty(); }
};

struct AlgorithmRegistration {
  AlgorithmInfo info;
  // Sync layer alone on the node, when no election is named (empty: the kind needs a leader and
  // runs under the static election then, algorithms/election/static).
  std::function<std::unique_ptr<Algorithm>(const StackSetup&)> make_alone;
  // Sync layer under an election, led by it (empty: the kind cannot run under an election).
  std::function<std::unique_ptr<SyncLayer>(const StackSetup&)> make_led;
  // Election layer.
  std::function<std::unique_ptr<ElectionLayer>(const election::ElectionSetup&)> make_election;
  BoundDeclaration bound;  // sync layer only
};

// The registration of election layer `E`, built from an ElectionSetup.
template <class E>
AlgorithmRegistration election_registration(std::string kind, std::string summary, std::vector<ParamSpec> params) {
  AlgorithmRegistration r;
  r.info = {std::move(kind), Layer::kElection, std::move(summary), std::move(params)};
  r.make_election = [](const election::ElectionSetup& s) { return std::make_unique<E>(s); };
  return r;
}

// Every registration file's registration, in source path order (generated).
std::vector<AlgorithmRegistration> registered_algorithms();

}  // namespace clocksim::algorithms
