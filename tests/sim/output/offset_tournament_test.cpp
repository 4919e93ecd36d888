#include "sim/output/offset_tournament.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace clocksim::sim {
namespace {

// Clocks whose offset is base + rate·(t − t0) + slew progress, rounded to the nanosecond like a
// real clock's, with steps, rate changes, slews, crashes and unknown rates: everything the exact
// checker tells the tournament about, and the rounding it must survive.
class FakeClocks final : public TickView {
 public:
  struct Clock {
    std::int64_t base_ns = 0;
    std::int64_t t0_ns = 0;
    double rate_ppm = 0;
    bool up = true;
    bool rate_known = true;
    double slew_ppm = 0;        // signed slope of the slew in progress
    std::int64_t slew_end_ns = 0;
  };
  explicit FakeClocks(std::size_t n) : clocks(n) {}

  Time now() const override { return now_; }
  NodeId node_count() const override { return static_cast<NodeId>(clocks.size()); }
  NodeSnapshot node(NodeId id) const override {
    return NodeSnapshot{id, 0, offset_ns(id), Role::kSlave, kNoNode, clocks[id].up};
  }
  const std::string& node_name(NodeId) const override { return name_; }
  std::int64_t offset_ns(NodeId id) const override { return offset_at(clocks[id], now_.ns()); }
  bool is_up(NodeId id) const override { return clocks[id].up; }
  std::optional<double> clock_rate_ppm(NodeId id) const override {
    return clocks[id].rate_known ? std::optional<double>(clocks[id].rate_ppm) : std::nullopt;
  }

  static std::int64_t offset_at(const Clock& c, std::int64_t t_ns) {
    const double dt = static_cast<double>(t_ns - c.t0_ns);
    const std::int64_t slewing_ns = std::max<std::int64_t>(0, std::min(t_ns, c.slew_end_ns) - c.t0_ns);
    return c.base_ns + std::llround(dt * c.rate_ppm * 1e-6 + c.slew_ppm * 1e-6 * static_cast<double>(slewing_ns));
  }
  // Re-bases clock i at now (its value continues), as a real clock does at each adjustment.
  void rebase(NodeId i) {
    Clock& c = clocks[i];
    c.base_ns = offset_at(c, now_.ns());
    if (c.slew_end_ns <= now_.ns()) c.slew_ppm = 0;  // otherwise the slew goes on from the new base
    c.t0_ns = now_.ns();
  }

  std::vector<Clock> clocks;
  Time now_;

 private:
  std::string name_ = "n";
};

struct Brute {
  std::int64_t hi = 0, lo = 0;
  std::uint32_t count = 0;
  double rate_bound_ppm = 0;  // over every up clock, the excluded one too
};
Brute brute(const FakeClocks& v, NodeId exclude, double sine_ppm = 0, double max_slew_ppm = 0) {
  Brute b;
  std::int64_t hi = std::numeric_limits<std::int64_t>::min(), lo = std::numeric_limits<std::int64_t>::max();
  for (NodeId i = 0; i < v.node_count(); ++i) {
    if (!v.is_up(i)) continue;
    const auto rate = v.clock_rate_ppm(i);
    b.rate_bound_ppm = std::max(b.rate_bound_ppm, rate ? std::fabs(*rate) + sine_ppm + max_slew_ppm : HUGE_VAL);
    if (i == exclude) continue;
    hi = std::max(hi, v.offset_ns(i));
    lo = std::min(lo, v.offset_ns(i));
    ++b.count;
  }
  if (b.count > 0) {
    b.hi = hi;
    b.lo = lo;
  }
  return b;
}

// n clients of a star: drifts uniform in +-50 ppm, offsets in +-1 ms, drawn from rng.
FakeClocks star_clients(std::size_t n, std::mt19937_64& rng) {
  FakeClocks view(n);
  std::uniform_real_distribution<double> rate(-50, 50);
  std::uniform_int_distribution<std::int64_t> offset(-1'000'000, 1'000'000);
  for (auto& c : view.clocks) {
    c.rate_ppm = rate(rng);
    c.base_ns = offset(rng);
  }
  return view;
}

// Random histories, from clocks that all tie (no drift, no offset) to wide drifts and
// microsecond gaps that rounding could flip: every query must equal a scan of every clock.
// change_percent: how many instants change a clock; slews_only: every change is a slew (whose
// slope the tournament takes as exact until the slew's end); zero_slew_percent: how many slews
// are of nothing (adjtime(0): the slew in progress stops).
// changes_per_query: how many instants' changes come before each query (1: a query at every
// instant), as a function of the query's number.
// other_percent: with slews_only, how many changes are still a step, a rate correction, a crash
// or restart, or an unknown rate (a scan's near set must read those clocks, not bound them).
// slew_scale: a slew's amount is a drawn offset divided by it (short slews: few clocks slew at a time).
void run_history(std::uint64_t seed, std::size_t n, double rate_spread_ppm, std::int64_t offset_spread_ns,
                 int change_percent = 47, bool slews_only = false, int zero_slew_percent = 0,
                 const std::function<int(int)>& changes_per_query = [](int) { return 1; }, int other_percent = 0,
                 std::int64_t slew_scale = 1) {
  std::mt19937_64 rng(seed);
  FakeClocks view(n);
  const double max_slew_ppm = 500, sine_ppm = 0;
  std::uniform_real_distribution<double> rate(-rate_spread_ppm, rate_spread_ppm);
  std::uniform_int_distribution<std::int64_t> offset(-offset_spread_ns, offset_spread_ns);
  for (auto& c : view.clocks) {
    c.rate_ppm = rate(rng);
    c.base_ns = offset(rng);
  }
  OffsetTournament t(view, std::vector<double>(n, sine_ppm), std::vector<double>(n, max_slew_ppm));
  std::uniform_int_distribution<int> what(0, 99);
  std::uniform_int_distribution<NodeId> node(0, static_cast<NodeId>(n - 1));
  std::uniform_int_distribution<std::int64_t> gap_ns(0, 20'000'000);
  NodeId late = kNoNode;
  auto change = [&] {
    view.now_ = view.now_ + Duration::from_ns(what(rng) < 30 ? 0 : gap_ns(rng));
    int w = what(rng);
    if (w >= change_percent) w = 100;
    else if (slews_only) w = what(rng) < other_percent ? std::array{5, 25, 42, 46, 200}[what(rng) % 5] : 35;
    const NodeId i = node(rng);
    if (w == 200) {  // a crash the checker hears of after it looked at this instant, as `exclude`
      if (view.clocks[i].up) {
        view.clocks[i].up = false;
        late = i;
      }
    } else if (w < 20) {  // a step
      view.rebase(i);
      view.clocks[i].base_ns += offset(rng) / 10;
      t.touch(i);
    } else if (w < 30) {  // a rate correction
      view.rebase(i);
      view.clocks[i].rate_ppm = rate(rng);
      t.touch(i);
    } else if (w < 40) {  // a slew
      view.rebase(i);
      const std::int64_t delta = zero_slew_percent > 0 && what(rng) < zero_slew_percent ? 0 : offset(rng) / slew_scale;
      const double span = std::fabs(static_cast<double>(delta)) / (max_slew_ppm * 1e-6);
      view.clocks[i].slew_ppm = delta < 0 ? -max_slew_ppm : max_slew_ppm;
      view.clocks[i].slew_end_ns = view.now_.ns() + static_cast<std::int64_t>(std::ceil(span));
      t.slewing(i, Time::from_ns(view.clocks[i].slew_end_ns), view.clocks[i].slew_ppm);
    } else if (w < 45) {  // a crash or a restart
      view.clocks[i].up = !view.clocks[i].up;
      t.touch(i);
    } else if (w < 47) {  // a clock whose rate the view cannot tell
      view.rebase(i);
      view.clocks[i].rate_known = !view.clocks[i].rate_known;
      t.touch(i);
    }
  };
  for (int step = 0; step < 3000; ++step) {
    for (int c = changes_per_query(step); c > 0 && late == kNoNode; --c) change();
    const NodeId exclude = late != kNoNode ? late : what(rng) < 20 ? node(rng) : kNoNode;
    const auto got = t.query(view.now_, exclude);
    const Brute want = brute(view, exclude, sine_ppm, max_slew_ppm);
    ASSERT_EQ(got.count, want.count) << "seed " << seed << " step " << step;
    if (want.count > 0) {
      ASSERT_EQ(got.hi_ns, want.hi) << "seed " << seed << " step " << step;
      ASSERT_EQ(got.lo_ns, want.lo) << "seed " << seed << " step " << step;
    }
    if (late != kNoNode) {
      // The crashed clock's rate still counts until it is touched: a larger bound, still sound.
      ASSERT_GE(got.rate_bound_ppm, want.rate_bound_ppm) << "seed " << seed << " step " << step;
      t.touch(late);
      late = kNoNode;
    } else {
      ASSERT_EQ(got.rate_bound_ppm, want.rate_bound_ppm) << "seed " << seed << " step " << step;
    }
  }
}

TEST(OffsetTournament, MatchesAScanOfEveryClockOverRandomHistories) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    run_history(seed, 1 + seed * 7 % 40, 100, 2'000'000);
  }
}

TEST(OffsetTournament, MatchesAScanWhenClocksTieOrSitWithinRounding) {
  for (std::uint64_t seed = 100; seed < 106; ++seed) {
    run_history(seed, 33, 0, 0);    // all equal, no drift
    run_history(seed, 33, 1e-3, 3);  // within a few ns, nearly equal rates: rounding decides
  }
}

// The smallest case of the above: one clock slews past another between two queries.
TEST(OffsetTournament, SeesASlewOvertake) {
  FakeClocks view(2);
  view.clocks[1].base_ns = -10'000;
  OffsetTournament t(view, {0.0, 0.0}, {500.0, 500.0});
  EXPECT_EQ(t.query(view.now_, kNoNode).hi_ns, 0);
  view.clocks[1].slew_ppm = 500;
  view.clocks[1].slew_end_ns = 40'000'000;  // +20 us over 40 ms
  t.slewing(1, Time::from_ns(view.clocks[1].slew_end_ns), 500);
  EXPECT_EQ(t.query(view.now_, kNoNode).hi_ns, 0);
  view.now_ = Time::from_ns(30'000'000);
  EXPECT_EQ(t.query(view.now_, kNoNode).hi_ns, 5'000);
  EXPECT_EQ(t.query(view.now_, kNoNode).lo_ns, 0);
}

// A slew holds the loser back, then ends: nobody says so (the checker probes the instant but
// does not touch the clock), and the certificate must still have allowed for the faster slope
// after the end.
TEST(OffsetTournament, SeesTheLoserCatchUpOnceItsSlewEnds) {
  FakeClocks view(2);
  view.clocks[0].base_ns = 1'000'000;
  view.clocks[1].rate_ppm = 100;
  OffsetTournament t(view, {0.0, 0.0}, {500.0, 500.0});
  view.clocks[1].slew_ppm = -500;
  view.clocks[1].slew_end_ns = 2'000'000'000;  // -1 ms over 2 s: the gap grows to 1.8 ms
  t.slewing(1, Time::from_ns(view.clocks[1].slew_end_ns), -500);
  for (const std::int64_t at_ns : {0LL, 1'000'000'000LL, 2'000'000'000LL, 10'000'000'000LL, 19'900'000'000LL}) {
    view.now_ = Time::from_ns(at_ns);
    EXPECT_EQ(t.query(view.now_, kNoNode).hi_ns, 1'000'000) << at_ns;
  }
  view.now_ = Time::from_ns(21'000'000'000);  // 100 ppm closes 1.8 ms in 18 s: passed at 20 s
  EXPECT_EQ(t.query(view.now_, kNoNode).hi_ns, 1'100'000);
  EXPECT_EQ(t.query(view.now_, kNoNode).lo_ns, 1'000'000);
}

// Few changes, long quiet spells in which slews carry clocks past each other: only the slope
// interval of a slewing clock can tell when its order may change.
TEST(OffsetTournament, MatchesAScanWhileSlewsOvertake) {
  for (std::uint64_t seed = 300; seed < 340; ++seed) run_history(seed, 2 + seed % 7, 0, 20'000, 3, true);
}

// Slews that replace, cancel or outlast each other, with steps and crashes in between: the slope
// of a slewing clock changes at each, and at the end of the slew in force only.
TEST(OffsetTournament, MatchesAScanWhenSlewsAreReplacedOrCancelled) {
  for (std::uint64_t seed = 400; seed < 430; ++seed) {
    run_history(seed, 3 + seed % 11, 50, 200'000, 60, seed % 2 == 0, 25);
  }
}

// Phases where most clocks change between two queries (the tournament answers by reading every
// clock) and phases with a change or none per query (it keeps its tree again, rebuilt from
// whatever the scans left), each several windows of queries long, and phases that change every
// few queries: every answer must be a scan's, across every switch.
TEST(OffsetTournament, MatchesAScanAcrossSwitchesBetweenTreeAndScan) {
  for (std::uint64_t seed = 500; seed < 512; ++seed) {
    const std::size_t n = 5 + seed % 6 * 40;
    const int phase = 64 * (1 + static_cast<int>(seed % 3)) + static_cast<int>(seed % 5) * 7;
    run_history(seed, n, 50, 2'000'000, 60, seed % 2 == 0, 10, [n, phase](int q) {
      switch (q / phase % 3) {
        case 0: return static_cast<int>(n);
        case 1: return q % 2;
        default: return q % 9 == 0 ? static_cast<int>(n / 2) : 0;
      }
    });
  }
}

// What the switch is for: while most clocks change between queries, a query reads each clock
// once; once changes are rare again, it reads O(log N).
TEST(OffsetTournament, ScansWhileMostClocksChangeBetweenQueries) {
  const std::size_t n = 4096;
  std::mt19937_64 rng(5);
  FakeClocks view = star_clients(n, rng);
  std::uniform_int_distribution<std::int64_t> offset(-1'000'000, 1'000'000);
  OffsetTournament t(view, std::vector<double>(n, 0.0), std::vector<double>(n, 0.0));
  NodeId next = 0;
  auto run = [&](int queries, std::size_t changes_per_query) {
    const std::uint64_t before = t.readings();
    for (int q = 0; q < queries; ++q) {
      for (std::size_t c = 0; c < changes_per_query; ++c) {
        view.now_ = view.now_ + Duration::from_ns(1'000);
        view.rebase(next);
        view.clocks[next].base_ns = offset(rng);
        t.touch(next);
        next = static_cast<NodeId>((next + 1) % n);
      }
      const auto got = t.query(view.now_, kNoNode);
      const Brute want = brute(view, kNoNode);
      EXPECT_EQ(got.hi_ns, want.hi);
      EXPECT_EQ(got.lo_ns, want.lo);
    }
    return static_cast<double>(t.readings() - before) / queries;
  };
  run(128, n / 4);  // the first window decides
  EXPECT_LE(run(64, n / 4), static_cast<double>(n)) << "at most one reading per clock and query";
  run(64, 1);
  EXPECT_LT(run(256, 1), 64.0) << "back on the tree, a scan reads " << n;
}

TEST(OffsetTournament, MatchesAScanUnderExtremeRates) {
  for (std::uint64_t seed = 200; seed < 204; ++seed) run_history(seed, 17, 1e5, 1'000'000'000);
}

// The point of it: a star of N clients that each correct once per period costs O(log N)
// readings per instant, not N.
TEST(OffsetTournament, ReadsFewClocksPerInstant) {
  const std::size_t n = 4096;
  std::mt19937_64 rng(7);
  FakeClocks view = star_clients(n, rng);
  std::uniform_int_distribution<std::int64_t> offset(-1'000'000, 1'000'000);
  OffsetTournament t(view, std::vector<double>(n, 0.0), std::vector<double>(n, 0.0));
  t.query(view.now_, kNoNode);
  const std::uint64_t before = t.readings();
  const int instants = 20'000;
  for (int k = 0; k < instants; ++k) {
    view.now_ = view.now_ + Duration::from_ns(1'000'000'000 / static_cast<std::int64_t>(n));
    const NodeId i = static_cast<NodeId>(k % n);
    view.rebase(i);
    view.clocks[i].base_ns = offset(rng);
    t.touch(i);
    const auto got = t.query(view.now_, kNoNode);
    ASSERT_EQ(got.hi_ns, brute(view, kNoNode).hi);
  }
  const double per_instant = static_cast<double>(t.readings() - before) / instants;
  EXPECT_LT(per_instant, 64.0) << "a scan reads " << n;
}

// The same with every client slewing its correction in, as Cristian's clients do: a slewing
// clock's slope is known exactly, so the certificates between two slewing clocks last as long
// as between two free-running ones, and the readings stay O(log N) an instant.
TEST(OffsetTournament, ReadsFewClocksPerInstantWhileClientsSlew) {
  const std::size_t n = 4096;
  const double slew_ppm = 500;
  std::mt19937_64 rng(11);
  FakeClocks view = star_clients(n, rng);
  OffsetTournament t(view, std::vector<double>(n, 0.0), std::vector<double>(n, slew_ppm));
  t.query(view.now_, kNoNode);
  const std::uint64_t before = t.readings();
  const int instants = 8'000;
  for (int k = 0; k < instants; ++k) {
    view.now_ = view.now_ + Duration::from_ns(1'000'000'000 / static_cast<std::int64_t>(n));
    const NodeId i = static_cast<NodeId>(k % n);
    view.rebase(i);
    // Back toward zero, as a client corrects toward its server: the slews last up to 2 s.
    const std::int64_t delta = -view.clocks[i].base_ns / 2;
    view.clocks[i].slew_ppm = delta < 0 ? -slew_ppm : slew_ppm;
    view.clocks[i].slew_end_ns =
        view.now_.ns() + static_cast<std::int64_t>(std::ceil(std::fabs(static_cast<double>(delta)) / (slew_ppm * 1e-6)));
    t.slewing(i, Time::from_ns(view.clocks[i].slew_end_ns), view.clocks[i].slew_ppm);
    const auto got = t.query(view.now_, kNoNode);
    const Brute want = brute(view, kNoNode);
    ASSERT_EQ(got.hi_ns, want.hi) << "instant " << k;
    ASSERT_EQ(got.lo_ns, want.lo) << "instant " << k;
  }
  const double per_instant = static_cast<double>(t.readings() - before) / instants;
  // About 10 here; widening a slewing clock's slope by the slew rate both ways (what a checker
  // that ignored the slew's sign would do) reads about 34.
  EXPECT_LT(per_instant, 20.0) << "a scan reads " << n;
}

// Scan mode with most changes slews, as in a star: a query may read only the clocks near the
// extremes and the touched ones, and must still be a scan's, whatever else happens in between
// (steps, rate corrections, crashes and restarts, unknown rates, an excluded clock, ties, and a
// crash that the checker looks at before it touches the clock: the world crashes a node before
// it says so, and the checker's look leaves that clock out).
TEST(OffsetTournament, MatchesAScanWhenAScanReadsOnlyTheClocksNearTheExtremes) {
  for (std::uint64_t seed = 600; seed < 616; ++seed) {
    const std::size_t n = 20 + seed % 5 * 60;
    const int other = static_cast<int>(seed % 4) * 3;  // 0 to 9 % of the changes
    const std::int64_t spread_ns = seed % 3 == 0 ? 3 : 2'000'000;  // within rounding, or wide
    run_history(seed, n, 50, spread_ns, 100, true, 10, [n](int) { return static_cast<int>(n / 3); }, other);
  }
}

// Few clocks slewing at a time: the near set's bound leaves slews out and the slewing clocks are
// read until their slews are over, then rejoin the others or the near set. Short and long slews,
// slews replaced or cancelled, and the other changes the near set must read.
TEST(OffsetTournament, MatchesAScanWhenTheNearSetReadsTheSlewingClocks) {
  for (std::uint64_t seed = 700; seed < 716; ++seed) {
    const std::size_t n = 200 + seed % 4 * 150;
    const int per_query = 2 + static_cast<int>(seed % 5) * 3;
    const int other = static_cast<int>(seed % 4) * 3;
    const std::int64_t scale = seed % 2 == 0 ? 10 : 100;
    run_history(seed, n, 50, 2'000'000, 100, true, 10, [per_query](int) { return per_query; }, other, scale);
  }
}

// A star of n clients that correct in turn toward the server, give or take up to `error_ns`
// (what an asymmetric round trip of 1-3 ms each way hides), slewing at 500 ppm: `per_query`
// corrections `gap_ns` apart between two queries. Every query must equal a scan of every clock;
// *per_query_readings: the clocks read per query after the first `warm` queries.
void run_slewing_star(std::uint64_t seed, std::size_t n, std::int64_t error_ns, std::size_t per_query,
                      std::int64_t gap_ns, int queries, int warm, double* per_query_readings) {
  const double slew_ppm = 500;
  std::mt19937_64 rng(seed);
  FakeClocks view = star_clients(n, rng);
  std::uniform_int_distribution<std::int64_t> error(-error_ns, error_ns);
  OffsetTournament t(view, std::vector<double>(n, 0.0), std::vector<double>(n, slew_ppm));
  NodeId next = 0;
  std::uint64_t before = 0;
  for (int q = 0; q < queries; ++q) {
    if (q == warm) before = t.readings();
    for (std::size_t c = 0; c < per_query; ++c) {
      view.now_ = view.now_ + Duration::from_ns(gap_ns);
      const NodeId i = next;
      next = static_cast<NodeId>((next + 1) % n);
      view.rebase(i);
      const std::int64_t delta = -view.clocks[i].base_ns + error(rng);
      view.clocks[i].slew_ppm = delta < 0 ? -slew_ppm : slew_ppm;
      view.clocks[i].slew_end_ns = view.now_.ns() + static_cast<std::int64_t>(std::ceil(
                                                        std::fabs(static_cast<double>(delta)) / (slew_ppm * 1e-6)));
      t.slewing(i, Time::from_ns(view.clocks[i].slew_end_ns), view.clocks[i].slew_ppm);
    }
    const auto got = t.query(view.now_, kNoNode);
    const Brute want = brute(view, kNoNode, 0, slew_ppm);
    ASSERT_EQ(got.hi_ns, want.hi) << "query " << q;
    ASSERT_EQ(got.lo_ns, want.lo) << "query " << q;
    ASSERT_EQ(got.count, want.count) << "query " << q;
    ASSERT_EQ(got.rate_bound_ppm, want.rate_bound_ppm) << "query " << q;
  }
  *per_query_readings = static_cast<double>(t.readings() - before) / (queries - warm);
}

// A star of 4096 clients, each correcting every 15 s (a query a second, 273 corrections between
// two): a few hundred slew at a time, and a query reads those and the clocks near the extremes,
// where a bound with the slew rate (500 ppm against 50 of drift) scans at almost every query.
TEST(OffsetTournament, ScansReadTheSlewingClocksWhenFewSlewAtATime) {
  const std::size_t n = 4096, per_second = n / 15;
  double per_query = 0;
  run_slewing_star(17, n, 100'000, per_second, 1'000'000'000 / static_cast<std::int64_t>(per_second), 600, 60,
                   &per_query);
  ASSERT_FALSE(HasFatalFailure());
  // About 0.36 n; with the slew rate in the bound, 1.07 n (a scan at most queries).
  EXPECT_LT(per_query, 0.5 * static_cast<double>(n)) << "a full scan reads " << n;
}

// What the near set is for: clients of a star slew their corrections in, a few hundred between
// two queries (a query every 1/16 s), too many for the tree, and most are slewing at any time; a
// query then reads the clocks near the extremes, not all.
TEST(OffsetTournament, ScansReadOnlyTheClocksNearTheExtremesWhileClientsSlew) {
  const std::size_t n = 4096;
  double per_query = 0;
  run_slewing_star(13, n, 1'000'000, n / 16, 1'000'000'000 / static_cast<std::int64_t>(n), 2'000, 200, &per_query);
  ASSERT_FALSE(HasFatalFailure());
  EXPECT_LT(per_query, 0.5 * static_cast<double>(n)) << "a full scan reads " << n;
}

}  // namespace
}  // namespace clocksim::sim
