#include "algorithms/registry.hpp"

#include <algorithm>
#include <stdexcept>

#include "algorithms/core/rng.hpp"
#include "algorithms/stack/stack.hpp"

namespace clocksim::algorithms {
namespace {

std::string layer_name(Layer layer) { return layer == Layer::kSync ? "sync" : "election"; }

void check(const std::vector<AlgorithmRegistration>& list) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto& r = list[i];
    const std::string what = layer_name(r.info.layer) + " algorithm '" + r.info.kind + "'";
    if (r.info.kind.empty()) throw std::logic_error("a registration has no kind");
    if (r.info.layer == Layer::kSync && !r.make_alone && !r.make_led) {
      throw std::logic_error(what + " registers neither make_alone nor make_led");
    }
    if (r.info.layer == Layer::kElection && !r.make_election) {
      throw std::logic_error(what + " registers no make_election");
    }
    if (i > 0 && list[i - 1].info.layer == r.info.layer && list[i - 1].info.kind == r.info.kind) {
      throw std::logic_error(what + " is registered twice");
    }
  }
}

}  // namespace

std::vector<AlgorithmRegistration> sorted_and_checked(std::vector<AlgorithmRegistration> list) {
  std::stable_sort(list.begin(), list.end(), [](const AlgorithmRegistration& a, const AlgorithmRegistration& b) {
    if (a.info.layer != b.info.layer) return a.info.layer < b.info.layer;
    return a.info.kind < b.info.kind;
  });
  check(list);
  return list;
}

const std::vector<AlgorithmRegistration>& registrations() {
  static const std::vector<AlgorithmRegistration> kRegistrations = sorted_and_checked(registered_algorithms());
  return kRegistrations;
}

const AlgorithmRegistration* find_registration(const std::string& kind, Layer layer) {
  for (const auto& r : registrations()) {
    if (r.info.kind == kind && r.info.layer == layer) return &r;
  }
  return nullptr;
}

const std::vector<AlgorithmInfo>& catalogue() {
  static const std::vector<AlgorithmInfo> kCatalogue = [] {
    std::vector<AlgorithmInfo> c;
    for (const auto& r : registrations()) {
      c.push_back(r.info);
      c.back().runs_under_election = r.info.layer != Layer::kSync || static_cast<bool>(r.make_led);
    }
    return c;
  }();
  return kCatalogue;
}

const AlgorithmInfo* find_algorithm(const std::string& kind, Layer layer) {
  const auto* r = find_registration(kind, layer);
  return r ? &r->info : nullptr;
}

std::unique_ptr<Algorithm> make_stack(const StackSetup& setup) {
  // No sync layer named: the clocks run free.
  const std::string sync_kind = setup.sync.kind.empty() ? "none" : setup.sync.kind;
  const auto* sync = find_registration(sync_kind, Layer::kSync);
  if (!sync) throw std::invalid_argument("unknown sync algorithm: " + setup.sync.kind);
  if (setup.election.kind.empty() && sync->make_alone) return sync->make_alone(setup);
  // A sync layer that needs a leader runs under the named election, or else under the static
  // one with its defaults (the lowest id leads).
  const std::string election_kind = setup.election.kind.empty() ? "static" : setup.election.kind;
  const auto* chosen = find_registration(election_kind, Layer::kElection);
  if (!chosen) throw std::invalid_argument("unknown election algorithm: " + election_kind);
  if (!sync->make_led) throw std::invalid_argument("sync algorithm " + sync_kind + " cannot run under an election");
  election::ElectionSetup es;
  es.membership = setup.membership;
  // Its own stream, so that adding an election never reshuffles the sync layer's draws.
  es.seed = derive_seed(setup.seed, "election");
  es.can_be_master = setup.can_be_master;
  es.params = setup.election.kind.empty() ? ParamSet::defaults(chosen->info.params) : setup.election.params;
  es.elections_before = setup.elections_before;
  auto election = chosen->make_election(es);
  return std::make_unique<Stack>(std::move(election), sync->make_led(setup));
}

}  // namespace clocksim::algorithms
