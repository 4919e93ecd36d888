// A status answer in pages (daemon/loop/status_pages.hpp): every page fits, every member is in
// exactly one page, the pages put together are the whole answer, and pages that do not belong
// together are refused.
#include "daemon/loop/status_pages.hpp"

#include <gtest/gtest.h>

#include <string>

#include "node/loop/json_text.hpp"

namespace clocksim::daemon {
namespace {

// What DaemonLoop::status_json answers for a node with `members` peers and a cluster key.
nlohmann::json answer_of(std::size_t members, bool keys = true) {
  nlohmann::json peers = nlohmann::json::array();
  nlohmann::json signing = nlohmann::json::object(), accepted = nlohmann::json::object();
  for (std::size_t i = 0; i < members; ++i) {
    const std::size_t id = i + 2;
    peers.push_back({{"id", id}, {"address", "127.0.0.1:" + std::to_string(20000 + id)}});
    signing[std::to_string(id)] = 1;
    accepted[std::to_string(id)] = {1, 2};
  }
  return {{"id", 1},
          {"epoch", 77},
          {"role", "slave"},
          {"counters", {{"packets_in", 123456}, {"dropped", {{"bad_mac", 0}}}}},
          {"peers", peers},
          {"keys", keys ? nlohmann::json{{"signing_key_ids", signing}, {"accepted_key_ids", accepted}, {"reloads", 0}}
                        : nlohmann::json(nullptr)}};
}

// Every page of `status` at `max_bytes`, put together by StatusPages as the client does.
nlohmann::json read_all(const nlohmann::json& status, std::size_t max_bytes, int* pages = nullptr) {
  auto page = [&](std::size_t from) {
    const std::string text = status_page(status, from, max_bytes);
    EXPECT_LE(text.size(), max_bytes) << "page from " << from;
    return nlohmann::json::parse(text);
  };
  StatusPages all(page(0));
  EXPECT_FALSE(all.problem()) << *all.problem();
  int n = 1;
  while (const auto next = all.next()) {
    const auto e = all.add(page(*next));
    EXPECT_FALSE(e) << *e;
    if (e || ++n > 10'000) break;
  }
  EXPECT_TRUE(all.done());
  if (pages != nullptr) *pages = n;
  return all.result();
}

TEST(StatusPages, ALargeAnswerComesWholeInPagesThatEachFit) {
  for (const std::size_t members : {0u, 1u, 150u, 3000u}) {
    for (const std::size_t max_bytes : {std::size_t{2048}, std::size_t{8192}, std::size_t{65507}}) {
      for (const bool keys : {true, false}) {
        const nlohmann::json status = answer_of(members, keys);
        int pages = 0;
        EXPECT_EQ(read_all(status, max_bytes, &pages), status) << members << " members, pages of " << max_bytes;
        // Pages are full: no more of them than the members' bytes need, plus one.
        const std::size_t whole = node::json_text(status).size();
        EXPECT_LE(static_cast<std::size_t>(pages), whole / (max_bytes / 2) + 1) << members << " members, " << max_bytes;
      }
    }
  }
}

TEST(StatusPages, APageSaysWhereItStandsAndWhereTheNextStarts) {
  const nlohmann::json status = answer_of(3000);
  ASSERT_GT(node::json_text(status).size(), 65507u);  // more than any datagram
  const auto first = nlohmann::json::parse(status_page(status, 0, 8192));
  EXPECT_EQ(first["page"]["peers_from"], 0);
  EXPECT_EQ(first["page"]["peers_total"], 3000);
  const std::size_t next = first["page"]["peers_next"].get<std::size_t>();
  EXPECT_EQ(first["peers"].size(), next);
  EXPECT_EQ(first["keys"]["signing_key_ids"].size(), next);
  EXPECT_EQ(first["keys"]["reloads"], 0);  // the node's own state is on every page
  const auto last = nlohmann::json::parse(status_page(status, 2999, 8192));
  EXPECT_TRUE(last["page"]["peers_next"].is_null());
  EXPECT_EQ(last["peers"].size(), 1u);
  // Past the end: the node's own state without members.
  const auto past = nlohmann::json::parse(status_page(status, 5000, 8192));
  EXPECT_TRUE(past["peers"].empty());
  EXPECT_TRUE(past["page"]["peers_next"].is_null());
}

// One member must go out even when it does not fit, or a reader would never move on: the page is
// then longer than asked, for the control socket to refuse out loud.
TEST(StatusPages, AMemberTooLargeForThePageIsNotDropped) {
  const nlohmann::json status = answer_of(3);
  const std::string text = status_page(status, 1, 64);
  EXPECT_GT(text.size(), 64u);
  EXPECT_EQ(nlohmann::json::parse(text)["peers"].size(), 1u);
}

TEST(StatusPages, PagesThatDoNotBelongTogetherAreRefused) {
  const nlohmann::json status = answer_of(300);
  const auto page = [&status](std::size_t from) { return nlohmann::json::parse(status_page(status, from, 4096)); };
  const std::size_t second = page(0)["page"]["peers_next"].get<std::size_t>();
  {
    StatusPages all(page(0));
    nlohmann::json restarted = page(second);
    restarted["epoch"] = 78;  // the node restarted between the pages
    ASSERT_TRUE(all.add(restarted));
    EXPECT_NE(all.add(restarted)->find("changed between pages"), std::string::npos);
    EXPECT_FALSE(all.done());
  }
  {
    StatusPages all(page(0));
    const auto e = all.add(page(second + 1));  // not the page asked for
    ASSERT_TRUE(e);
    EXPECT_NE(e->find("got another"), std::string::npos) << *e;
  }
  {
    StatusPages all(page(0));
    nlohmann::json cut = page(second);
    cut["page"]["peers_next"] = nullptr;  // claims to be the last, members missing
    const auto e = all.add(cut);
    ASSERT_TRUE(e);
    EXPECT_NE(e->find("of 300 members"), std::string::npos) << *e;
  }
  {
    nlohmann::json short_first = page(0);
    short_first["page"]["peers_next"] = nullptr;
    StatusPages all(short_first);
    ASSERT_TRUE(all.problem());
    EXPECT_FALSE(all.done());
  }
}

}  // namespace
}  // namespace clocksim::daemon
