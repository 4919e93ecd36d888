// Key files as operators edit them, attacked with mutations: the parser never crashes and names
// a line for what it refuses, and the rotation steps' text edits (keep_key_id, activate_key_id)
// do only what they say to any file the parser takes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <set>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#include "algorithms/core/rng.hpp"
#include "node/wire/key_file.hpp"
#include "node/wire/keyring.hpp"

namespace clocksim::node::wire {
namespace {

// The (peer, id, accept-only) triples a keyring holds, for the peers 0..9.
std::set<std::tuple<NodeId, std::uint32_t, bool>> contents(const Keyring& k) {
  std::set<std::tuple<NodeId, std::uint32_t, bool>> out;
  for (NodeId peer = 0; peer < 10; ++peer) {
    for (std::uint32_t id : k.accepted_key_ids(peer)) out.emplace(peer, id, k.is_accept_only(peer, id));
  }
  return out;
}

TEST(KeyringText, MutatedKeyFilesAreParsedOrRefusedByLineAndTheRotationEditsKeepTheirWord) {
  const std::string key_a = random_key_hex(32), key_b = random_key_hex(32), key_c = random_key_hex(32);
  const std::string base = "# clocksyncd keyring of node 1\n2 1 " + key_a + "\n3 1 " + key_b +
                           "\n# key id 2 (clocksyncctl keygen --rotate; --activate signs with it)\n2 2 " + key_c +
                           " accept-only\n  3   2   " + key_a + "   accept-only  \n";
  const std::string pieces[] = {" ", "\t", "\n", "\r\n", "#", "accept-only", "accept", "-", "0", "1", "2", "7",
                                "4294967295", "4294967296", "ff", "zz", key_b, "\"", "\\"};
  Rng rng(derive_seed(1, "keyring_text_mutations"));
  int parsed = 0, refused = 0;
  for (int k = 0; k < 4000; ++k) {
    std::string text = base;
    for (int edits = 1 + static_cast<int>(rng() % 3); edits > 0; --edits) {
      const std::size_t at = rng() % (text.size() + 1);
      switch (rng() % 3) {
        case 0: text.insert(at, pieces[rng() % std::size(pieces)]); break;
        case 1: text.erase(at, 1 + rng() % 8); break;
        default: text.replace(at, std::min<std::size_t>(1, text.size() - at), pieces[rng() % std::size(pieces)]); break;
      }
    }
    auto ring = parse_keyring_text(text, "m.keys");
    if (auto* e = std::get_if<std::string>(&ring)) {
      ++refused;
      ASSERT_EQ(e->rfind("m.keys", 0), 0u) << *e;  // every refusal names the file (and mostly the line)
      continue;
    }
    ++parsed;
    const Keyring& r = std::get<Keyring>(ring);
    if (r.is_shared()) continue;
    const auto before = contents(r);
    for (std::uint32_t id : {0u, 1u, 2u, 7u}) {
      // Retiring to `id` keeps exactly the keys with that id, as they were.
      auto kept = parse_keyring_text(keep_key_id(text, id), "kept");
      ASSERT_TRUE(std::holds_alternative<Keyring>(kept)) << text << "\n->\n" << keep_key_id(text, id);
      std::set<std::tuple<NodeId, std::uint32_t, bool>> want;
      for (const auto& c : before) {
        if (std::get<1>(c) == id) want.insert(c);
      }
      EXPECT_EQ(contents(std::get<Keyring>(kept)), want) << text;
      // Activating `id` makes its keys signing and changes nothing else.
      auto active = parse_keyring_text(activate_key_id(text, id), "active");
      ASSERT_TRUE(std::holds_alternative<Keyring>(active)) << text << "\n->\n" << activate_key_id(text, id);
      want.clear();
      for (const auto& [peer, key_id, accept_only] : before) want.emplace(peer, key_id, key_id == id ? false : accept_only);
      EXPECT_EQ(contents(std::get<Keyring>(active)), want) << text;
      // The keys keep their bytes.
      for (const auto& [peer, key_id, accept_only] : want) {
        const ClusterKey* was = r.find(peer, key_id);
        const ClusterKey* now = std::get<Keyring>(active).find(peer, key_id);
        ASSERT_TRUE(was != nullptr && now != nullptr);
        EXPECT_TRUE(std::equal(was->bytes().begin(), was->bytes().end(), now->bytes().begin(), now->bytes().end()));
      }
    }
  }
  // The mutations reach both sides.
  EXPECT_GT(parsed, 400);
  EXPECT_GT(refused, 400);
}

}  // namespace
}  // namespace clocksim::node::wire
