// The network between simulated nodes: decides each message's fate (delivered after what delay,
// or dropped and why) from the topology, the per-link models and the current faults.
//
// Randomness: each directed link a -> b has its own 8-byte stream, seeded with
// derive_seed(derive_seed(derive_seed(root, "link"), a), b), so a link's draws never depend on
// the traffic elsewhere or on the order in which links are first used. Sparse topologies keep the
// streams in an array indexed by CSR link position; a full mesh creates them on first use, in a
// flat hash table (link_stream_table.hpp).
//
// Link models: scenario defaults, replaced field by field by a topology file's per-edge
// attributes, replaced as a whole by the scenario's per-pair overrides.
//
// A message between non-adjacent nodes (or whose direct link is down) follows the Router's
// shortest path; each hop draws loss and latency on its own link, delays add up.
// The whole design, the adversary's strategy and measured figures: docs/network.md.
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "algorithms/core/message.hpp"
#include "algorithms/core/rng.hpp"
#include "sim/network/link_delay.hpp"
#include "sim/network/link_stream_table.hpp"
#include "sim/network/router.hpp"
#include "sim/network/topology.hpp"
#include "sim/scenario/spec.hpp"
#include "sim/time.hpp"

namespace clocksim::sim {

struct Delivery {
  enum class Drop : std::uint8_t { kNone, kLoss, kLinkDown, kPartition, kNoRoute };
  bool delivered = false;
  Duration delay;
  Drop drop = Drop::kNone;
};
inline constexpr std::size_t kDropKinds = 5;

struct NetworkCounters {
  std::uint64_t sent = 0;
  std::uint64_t delivered = 0;
  std::array<std::uint64_t, kDropKinds> dropped{};  // indexed by Delivery::Drop
  std::uint64_t lost(Delivery::Drop why) const { return dropped[static_cast<std::size_t>(why)]; }
};

class Network {
 public:
  // Throws TopologyError if an override names a pair that is not a link, std::invalid_argument
  // for a model out of range (loss outside [0, 1], asymmetry outside [-1, 1]).
  Network(Topology topology, const scenario::LinksSpec& links, NodeId node_count,
          std::uint64_t root_seed);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // The fate of one message sent now. `to` is one node (the host expands kBroadcast); ids out of
  // range throw std::invalid_argument. A message to oneself is delivered at once. Drop reasons:
  // kPartition when the endpoints are in different partition groups (or their group is cut off
  // inside by the partition), kNoRoute when the topology itself never connects them, kLinkDown
  // when links that are down leave no route (also when a partition is active at the same time),
  // kLoss when a hop loses it.
  Delivery transmit(NodeId from, NodeId to, const Message& msg, Time now);
  // A hint: node `from` is about to send (its next event is being popped). Starts loading what
  // transmit() reads first for its links; changes no result.
  void prefetch_sender(NodeId from) const { mesh_streams_.prefetch_sender(from); }
  // The same in two stages, for worlds too large for the cache. The first starts loading where
  // the node's links are found; the second, an event later, what transmit() reads for its first
  // link (a client's only one), and for the link to `reply_to` (kNoNode: none known) when it is
  // likely to answer a message.
  void prefetch_sender_row(NodeId from) const { topology_.prefetch_row(from); }
  void prefetch_sender_links(NodeId from, NodeId reply_to) const;

  void set_link_up(NodeId a, NodeId b, bool up) { router_.set_link_up(a, b, up); }
  bool link_up(NodeId a, NodeId b) const { return router_.link_up(a, b); }
  void set_partition(const std::vector<std::vector<NodeId>>& groups) { router_.set_partition(groups); }
  void heal() { router_.heal(); }

  // Over every link's latency support (asymmetry included), for the theoretical bound. These are
  // per link: a route of k hops takes between k * min and k * max. max is Duration::max() when a
  // link's law is unbounded.
  Duration min_latency() const { return min_latency_; }
  Duration max_latency() const { return max_latency_; }

  const NetworkCounters& counters() const { return counters_; }
  const Topology& topology() const { return topology_; }
  const scenario::LinkModel& link_model(NodeId a, NodeId b) const;
  // The asymmetry of link {a, b} (link_delay.hpp link_asymmetry), as transmit() applies it.
  double asymmetry(NodeId a, NodeId b) const { return link_asymmetry(link_model(a, b), a, b, asymmetry_seed_); }
  // The path transmit() would use now (from, ..., to), or empty; for tests and tools.
  std::vector<NodeId> route(NodeId from, NodeId to);
  std::size_t routes_computed() const { return router_.bfs_computed(); }

 private:
  // `link` is Topology::directed_link_index(from, to).
  SmallRng& stream(NodeId from, NodeId to, std::uint64_t link);
  Delivery drop(Delivery::Drop why);
  Delivery unroutable(NodeId from, NodeId to);

  Topology topology_;
  Router router_;
  std::uint64_t link_seed_;
  std::uint64_t asymmetry_seed_;  // link_asymmetry
  std::vector<scenario::LinkModel> models_;                 // [0] = defaults
  std::unordered_map<std::uint64_t, std::uint32_t> model_of_pair_;  // looked up, never iterated
  std::vector<SmallRng> streams_;                           // sparse: by directed link index
  LinkStreamTable mesh_streams_;                            // full mesh: lazily, never iterated
  Duration min_latency_;
  Duration max_latency_;
  NetworkCounters counters_;
  std::vector<NodeId> path_;  // scratch
};

}  // namespace clocksim::sim
