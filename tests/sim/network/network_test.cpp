#include "sim/network/network.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

namespace clocksim::sim {
namespace {

using namespace clocksim::literals;
using scenario::Distribution;
using Drop = Delivery::Drop;

scenario::LinksSpec links_with(Distribution latency, double loss = 0, double asymmetry = 0) {
  scenario::LinksSpec l;
  l.defaults.latency_ns = latency;
  l.defaults.loss = loss;
  l.defaults.asymmetry = Distribution::constant(asymmetry);
  return l;
}

Topology line(NodeId n) { return Topology::from_edges(n, line_edges(n)); }
Topology ring(NodeId n) { return Topology::from_edges(n, ring_edges(n)); }

const Message kPing = make_message(MsgType::kHeartbeat);
const Time kNow = Time::epoch();

TEST(Network, LatencyStaysInTheModelsSupport) {
  Network net(Topology::full_mesh(4), links_with(Distribution::uniform(1e6, 5e6)), 4, 1);
  for (int i = 0; i < 10'000; ++i) {
    const Delivery d = net.transmit(i % 4, (i + 1) % 4, kPing, kNow);
    ASSERT_TRUE(d.delivered);
    ASSERT_GE(d.delay, 1_ms);
    ASSERT_LE(d.delay, 5_ms);
  }
  Network normal(Topology::full_mesh(2), links_with({Distribution::Kind::kNormal, 1e5, 1e6, 0}), 2, 1);
  for (int i = 0; i < 10'000; ++i) ASSERT_GE(normal.transmit(0, 1, kPing, kNow).delay, 0_ns);
}

TEST(Network, LossRateMatchesTheModel) {
  const double p = 0.1;
  const int n = 100'000;
  Network net(ring(5), links_with(Distribution::constant(1e6), p), 5, 3);
  int lost = 0;
  for (int i = 0; i < n; ++i) {
    const Delivery d = net.transmit(2, 3, kPing, kNow);
    if (!d.delivered) {
      EXPECT_EQ(d.drop, Drop::kLoss);
      ++lost;
    }
  }
  EXPECT_NEAR(lost, p * n, 5 * std::sqrt(n * p * (1 - p)));
  EXPECT_EQ(net.counters().sent, std::uint64_t(n));
  EXPECT_EQ(net.counters().lost(Drop::kLoss), std::uint64_t(lost));
  EXPECT_EQ(net.counters().delivered, std::uint64_t(n - lost));
}

TEST(Network, AsymmetryStretchesLowToHighAndShrinksHighToLow) {
  Network net(Topology::full_mesh(3), links_with(Distribution::constant(1e6), 0, 0.2), 3, 1);
  EXPECT_EQ(net.transmit(0, 2, kPing, kNow).delay, 1'200'000_ns);
  EXPECT_EQ(net.transmit(2, 0, kPing, kNow).delay, 800'000_ns);
  EXPECT_EQ(net.min_latency(), 800'000_ns);
  EXPECT_EQ(net.max_latency(), 1'200'000_ns);
  // The loader's range is [-1, 1]: a = -1 makes low -> high instantaneous.
  Network extreme(Topology::full_mesh(2), links_with(Distribution::constant(1e6), 0, -1), 2, 1);
  EXPECT_EQ(extreme.transmit(0, 1, kPing, kNow).delay, 0_ns);
  EXPECT_EQ(extreme.transmit(1, 0, kPing, kNow).delay, 2_ms);
  EXPECT_THROW(Network(Topology::full_mesh(2), links_with(Distribution::constant(1e6), 0, 1.5), 2, 1),
               std::invalid_argument);
}

TEST(Network, RoutingOverALineAddsHops) {
  Network net(line(5), links_with(Distribution::constant(1e6)), 5, 1);
  EXPECT_EQ(net.transmit(0, 1, kPing, kNow).delay, 1_ms);
  EXPECT_EQ(net.transmit(0, 4, kPing, kNow).delay, 4_ms);
  EXPECT_EQ(net.transmit(3, 1, kPing, kNow).delay, 2_ms);
  EXPECT_EQ(net.route(0, 4), (std::vector<NodeId>{0, 1, 2, 3, 4}));
  EXPECT_EQ(net.transmit(2, 2, kPing, kNow).delay, 0_ns);  // to oneself: no link
}

TEST(Network, LossesAddUpPerHop) {
  // Each of 4 hops loses 10%: end to end 1 - 0.9^4 = 34.4%.
  const int n = 50'000;
  Network net(line(5), links_with(Distribution::constant(1e6), 0.1), 5, 9);
  int lost = 0;
  for (int i = 0; i < n; ++i) lost += !net.transmit(0, 4, kPing, kNow).delivered;
  const double p = 1 - std::pow(0.9, 4);
  EXPECT_NEAR(lost, p * n, 5 * std::sqrt(n * p * (1 - p)));
}

TEST(Network, LinkDownReroutesOrDrops) {
  Network r(ring(6), links_with(Distribution::constant(1e6)), 6, 1);
  EXPECT_EQ(r.transmit(0, 1, kPing, kNow).delay, 1_ms);
  r.set_link_up(0, 1, false);
  EXPECT_FALSE(r.link_up(1, 0));
  EXPECT_EQ(r.transmit(0, 1, kPing, kNow).delay, 5_ms);  // the long way round
  EXPECT_EQ(r.route(0, 1), (std::vector<NodeId>{0, 5, 4, 3, 2, 1}));
  r.set_link_up(1, 0, true);
  EXPECT_EQ(r.transmit(0, 1, kPing, kNow).delay, 1_ms);

  Network l(line(4), links_with(Distribution::constant(1e6)), 4, 1);
  l.set_link_up(1, 2, false);
  const Delivery d = l.transmit(0, 3, kPing, kNow);
  EXPECT_FALSE(d.delivered);
  EXPECT_EQ(d.drop, Drop::kLinkDown);
  EXPECT_EQ(l.counters().lost(Drop::kLinkDown), 1u);
  EXPECT_TRUE(l.transmit(0, 1, kPing, kNow).delivered);
  EXPECT_THROW(l.set_link_up(0, 3, false), std::invalid_argument);  // not a link

  // Full mesh: a downed direct link goes over the lowest-id common neighbour.
  Network m(Topology::full_mesh(5), links_with(Distribution::constant(1e6)), 5, 1);
  m.set_link_up(3, 4, false);
  EXPECT_EQ(m.route(3, 4), (std::vector<NodeId>{3, 0, 4}));
  EXPECT_EQ(m.transmit(4, 3, kPing, kNow).delay, 2_ms);
}

TEST(Network, PartitionDropsBetweenGroupsAndHealRestores) {
  Network net(Topology::full_mesh(6), links_with(Distribution::constant(1e6)), 6, 1);
  net.set_partition({{0, 1, 2}, {3, 4, 5}});
  EXPECT_EQ(net.transmit(0, 4, kPing, kNow).drop, Drop::kPartition);
  EXPECT_EQ(net.transmit(5, 2, kPing, kNow).drop, Drop::kPartition);
  EXPECT_TRUE(net.transmit(0, 2, kPing, kNow).delivered);
  EXPECT_TRUE(net.transmit(3, 5, kPing, kNow).delivered);
  EXPECT_EQ(net.counters().lost(Drop::kPartition), 2u);
  net.heal();
  EXPECT_TRUE(net.transmit(0, 4, kPing, kNow).delivered);
  EXPECT_THROW(net.set_partition({{0, 1}, {1, 2}}), std::invalid_argument);

  // Routes stay inside the group: on a line 0-1-2, {0, 2} | {1} cuts 0 off from 2.
  Network l(line(3), links_with(Distribution::constant(1e6)), 3, 1);
  l.set_partition({{0, 2}, {1}});
  EXPECT_EQ(l.transmit(0, 2, kPing, kNow).drop, Drop::kPartition);
  l.heal();
  EXPECT_EQ(l.transmit(0, 2, kPing, kNow).delay, 2_ms);
}

TEST(Network, DisconnectedTopologyDropsWithNoRoute) {
  Network net(Topology::from_edges(4, {{0, 1}, {2, 3}}), links_with(Distribution::constant(1e6)), 4, 1);
  EXPECT_EQ(net.transmit(0, 3, kPing, kNow).drop, Drop::kNoRoute);
  EXPECT_TRUE(net.transmit(2, 3, kPing, kNow).delivered);
}

std::vector<Duration> delays(Network& net, NodeId a, NodeId b, int count) {
  std::vector<Duration> out;
  for (int i = 0; i < count; ++i) out.push_back(net.transmit(a, b, kPing, kNow).delay);
  return out;
}

TEST(Network, SameSeedSameDelaysWhateverOrderLinksAreUsed) {
  for (bool mesh : {false, true}) {
    auto make = [&](std::uint64_t seed) {
      return std::make_unique<Network>(mesh ? Topology::full_mesh(6) : ring(6),
                                       links_with({Distribution::Kind::kExponential, 1e6, 0, 0}, 0.05),
                                       6, seed);
    };
    auto first = make(42), second = make(42), other = make(43);
    const auto a01 = delays(*first, 0, 1, 50);
    const auto a23 = delays(*first, 2, 3, 50);
    const auto a10 = delays(*first, 1, 0, 50);
    const auto b10 = delays(*second, 1, 0, 50);
    const auto b23 = delays(*second, 2, 3, 50);
    const auto b01 = delays(*second, 0, 1, 50);
    EXPECT_EQ(a01, b01);
    EXPECT_EQ(a23, b23);
    EXPECT_EQ(a10, b10);
    EXPECT_NE(a01, a10);  // each direction has its own stream
    EXPECT_NE(a01, delays(*other, 0, 1, 50));
  }
}

TEST(Network, PrefetchHintsChangeNoDelivery) {
  // A hub, a sparse row (0's links are not a range), an isolated node, a ring and a full mesh;
  // hints for every sender and reply target, ids out of range too, before every transmission.
  const std::vector<std::function<Topology()>> shapes = {
      [] { return Topology::from_edges(9, star_edges(9, 0)); },
      [] { return Topology::from_edges(8, {{0, 2}, {0, 5}, {0, 7}, {1, 3}, {5, 6}}); },
      [] { return ring(6); },
      [] { return Topology::full_mesh(6); },
  };
  for (const auto& shape : shapes) {
    const Topology t = shape();
    const NodeId n = t.node_count();
    const auto links = links_with({Distribution::Kind::kExponential, 1e6, 0, 0}, 0.2);
    Network hinted(shape(), links, n, 7), plain(shape(), links, n, 7);
    for (NodeId from = 0; from < n; ++from) {
      for (NodeId to = 0; to < n; ++to) {
        if (from == to) continue;
        for (NodeId x = 0; x < n + 2; ++x) {
          hinted.prefetch_sender(x);
          hinted.prefetch_sender_row(x);
          hinted.prefetch_sender_links(x, kNoNode);
          for (NodeId y = 0; y < n + 2; ++y) hinted.prefetch_sender_links(x, y);
        }
        const Delivery a = hinted.transmit(from, to, kPing, kNow), b = plain.transmit(from, to, kPing, kNow);
        ASSERT_EQ(a.delivered, b.delivered) << from << " -> " << to;
        ASSERT_EQ(a.delay, b.delay) << from << " -> " << to;
        ASSERT_EQ(a.drop, b.drop) << from << " -> " << to;
      }
    }
  }
}

TEST(Network, RoutesArePureFunctionsWhateverTheCacheHolds) {
  // Grid 2x2: 0-1, 0-2, 1-3, 2-3. Ties broken by lowest id, reading from the source.
  Network g(Topology::from_edges(4, grid_edges(2, 2)), links_with(Distribution::constant(1e6)), 4, 1);
  EXPECT_EQ(g.route(0, 3), (std::vector<NodeId>{0, 1, 3}));
  EXPECT_EQ(g.route(3, 0), (std::vector<NodeId>{3, 1, 0}));
  EXPECT_EQ(g.route(1, 2), (std::vector<NodeId>{1, 0, 2}));
  EXPECT_EQ(g.route(2, 1), (std::vector<NodeId>{2, 0, 1}));

  // A random graph: every route from a fresh network equals the one from a network whose cache
  // was warmed by other traffic (BFS roots at sources, destinations, or evicted).
  const Topology base = Topology::from_edges(300, erdos_renyi_edges(300, 0.02, 5));
  Network warm(Topology(base), links_with(Distribution::constant(1e6)), 300, 1);
  for (NodeId v = 0; v < 300; v += 7) warm.route(v, 299 - v);
  for (NodeId a = 0; a < 300; a += 13) {
    for (NodeId b = 1; b < 300; b += 17) {
      Network fresh(Topology(base), links_with(Distribution::constant(1e6)), 300, 1);
      ASSERT_EQ(fresh.route(a, b), warm.route(a, b)) << a << " -> " << b;
    }
  }
}

TEST(Network, OneBfsServesAMasterInBothDirections) {
  const NodeId n = 100'000;
  Network net(Topology::from_edges(n, barabasi_albert_edges(n, 2, 3)),
              links_with(Distribution::constant(1e6)), n, 1);
  const NodeId master = 777;
  for (NodeId v = 0; v < n; v += 97) {
    EXPECT_TRUE(net.transmit(master, v, make_message(MsgType::kTimeRequest), kNow).delivered);
    EXPECT_TRUE(net.transmit(v, master, make_message(MsgType::kTimeReply), kNow).delivered);
  }
  EXPECT_EQ(net.routes_computed(), 1u);
}

TEST(Network, AdversaryMakesRoundTripsErrInOppositeDirectionsPerSlave) {
  const Distribution adversarial{Distribution::Kind::kAdversarial, 1e6, 3e6, 0};
  Network net(Topology::full_mesh(5), links_with(adversarial), 5, 1);
  const NodeId master = 0;
  for (NodeId slave = 1; slave < 5; ++slave) {
    const Duration out = net.transmit(master, slave, make_message(MsgType::kTimeRequest), kNow).delay;
    const Duration back = net.transmit(slave, master, make_message(MsgType::kTimeReply), kNow).delay;
    // Only the extremes, one each way: the round trip is always min + max.
    EXPECT_TRUE((out == 1_ms && back == 3_ms) || (out == 3_ms && back == 1_ms));
    // Midpoint estimate error (d_out - d_back) / 2 = +-u/2, sign alternating by slave parity.
    const Duration error = (out - back) / 2;
    EXPECT_EQ(error, slave % 2 == 0 ? 1_ms : -1_ms) << "slave " << slave;
  }
  EXPECT_EQ(net.transmit(0, 3, make_message(MsgType::kAdjust), kNow).delay, 3_ms);
  EXPECT_EQ(net.transmit(3, 0, make_message(MsgType::kHeartbeat), kNow).delay, 3_ms);
  // Same choices whoever the master is: a time server at 3 and its clients.
  EXPECT_EQ(net.transmit(1, 3, make_message(MsgType::kTimeRequest), kNow).delay, 3_ms);
  EXPECT_EQ(net.transmit(2, 3, make_message(MsgType::kTimeRequest), kNow).delay, 1_ms);
  EXPECT_EQ(net.min_latency(), 1_ms);
  EXPECT_EQ(net.max_latency(), 3_ms);
}

// NTP's offset is the midpoint of one request and its reply, as a clock reading's is: the
// adversary takes one extreme each way for it too, not the late one both ways (which left NTP
// on symmetric paths, with no asymmetry error at all).
TEST(Network, AdversaryMakesNtpExchangesErrLikeClockReadings) {
  const Distribution adversarial{Distribution::Kind::kAdversarial, 1e6, 9e6, 0};
  Network net(Topology::full_mesh(5), links_with(adversarial), 5, 1);
  const NodeId server = 0;
  for (NodeId client = 1; client < 5; ++client) {
    const Duration out = net.transmit(client, server, make_message(MsgType::kNtpRequest), kNow).delay;
    const Duration back = net.transmit(server, client, make_message(MsgType::kNtpReply), kNow).delay;
    EXPECT_EQ(out + back, 10_ms) << "client " << client;
    EXPECT_EQ(net.transmit(client, server, make_message(MsgType::kTimeRequest), kNow).delay, out) << "client " << client;
    EXPECT_EQ((out - back) / 2, client % 2 == 0 ? 4_ms : -4_ms) << "client " << client;
  }
}

TEST(Network, LatencyBoundsCoverEveryModelInUse) {
  scenario::LinksSpec links = links_with(Distribution::uniform(1e6, 5e6), 0, 0.1);
  EXPECT_EQ(Network(ring(4), links, 4, 1).min_latency(), 900'000_ns);
  EXPECT_EQ(Network(ring(4), links, 4, 1).max_latency(), 5'500'000_ns);
  links.overrides.push_back({0, 1, {Distribution::constant(10e6), Distribution::constant(0), false, 0}});
  EXPECT_EQ(Network(ring(4), links, 4, 1).max_latency(), 10_ms);
  EXPECT_EQ(Network(ring(4), links, 4, 1).min_latency(), 900'000_ns);
  links.overrides.push_back({1, 2, {{Distribution::Kind::kExponential, 1e6, 0, 0}, Distribution::constant(0), false, 0}});
  EXPECT_EQ(Network(ring(4), links, 4, 1).max_latency(), Duration::max());
  // Overrides covering every link: the defaults no longer count.
  scenario::LinksSpec all = links_with(Distribution::constant(50e6));
  all.overrides.push_back({0, 1, {Distribution::constant(2e6), Distribution::constant(0), false, 0}});
  EXPECT_EQ(Network(line(2), all, 2, 1).max_latency(), 2_ms);
  all.overrides.push_back({0, 2, {Distribution::constant(2e6), Distribution::constant(0), false, 0}});
  EXPECT_THROW(Network(line(2), all, 2, 1), TopologyError);  // 0 -- 2 is no link
}

TEST(Network, PerLinkModelsFromOverridesAndFiles) {
  scenario::LinksSpec links = links_with(Distribution::constant(1e6));
  links.overrides.push_back({3, 2, {Distribution::constant(7e6), Distribution::constant(0), false, 0}});
  scenario::TopologySpec spec;
  spec.kind = scenario::TopologySpec::Kind::kFile;
  spec.file = std::string(CLOCKSIM_SOURCE_DIR) + "/tests/sim/network/small.graphml";
  Network net(build_topology(spec, 5, 1), links, 5, 1);
  EXPECT_EQ(net.transmit(0, 1, kPing, kNow).delay, 2_ms);  // file: latency 2ms
  EXPECT_EQ(net.transmit(1, 2, kPing, kNow).delay, 1_ms);  // defaults
  EXPECT_EQ(net.transmit(2, 3, kPing, kNow).delay, 7_ms);  // scenario override beats the file
  EXPECT_EQ(net.link_model(2, 3).loss, 0);
  EXPECT_EQ(net.transmit(0, 2, kPing, kNow).delay, 3_ms);  // 0-1-2: 2ms + 1ms
}

}  // namespace
}  // namespace clocksim::sim
