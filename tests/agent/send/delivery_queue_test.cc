#include "agent/send/delivery_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace edgelog {
namespace {

Batch Of(uint64_t id, uint32_t stream, size_t bytes) {
  Batch b;
  b.id = id;
  b.stream = stream;
  b.body = std::string(bytes, 'x');
  return b;
}

std::vector<uint64_t> Ids(const std::deque<Batch>& q) {
  std::vector<uint64_t> ids;
  for (const Batch& b : q) ids.push_back(b.id);
  return ids;
}

TEST(DeliveryQueueTest, KeepsEachStreamInOrderAndCountsItsBytes) {
  DeliveryQueue q(2);
  q.Push(Of(1, 0, 10));
  q.Push(Of(2, 1, 20));
  q.Push(Of(3, 0, 30));
  EXPECT_EQ((std::vector<uint64_t>{1, 3}), Ids(q.of(0)));
  EXPECT_EQ((std::vector<uint64_t>{2}), Ids(q.of(1)));
  EXPECT_EQ(60u, q.bytes());
  EXPECT_EQ(1u, q.PopFront(0).id);
  EXPECT_EQ(50u, q.bytes());
  EXPECT_FALSE(q.empty());
  q.PopFront(0);
  q.PopFront(1);
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(0u, q.bytes());
}

TEST(DeliveryQueueTest, AFrontReplacedByItsPartsKeepsTheirOrderAheadOfTheRest) {
  DeliveryQueue q(1);
  q.Push(Of(1, 0, 100));
  q.Push(Of(2, 0, 5));
  std::vector<Batch> parts;
  parts.push_back(Of(1, 0, 40));
  parts.push_back(Of(1, 0, 45));
  q.ReplaceFront(0, std::move(parts));
  ASSERT_EQ(3u, q.of(0).size());
  EXPECT_EQ(40u, q.of(0)[0].body.size());
  EXPECT_EQ(45u, q.of(0)[1].body.size());
  EXPECT_EQ(2u, q.of(0)[2].id);
  EXPECT_EQ(90u, q.bytes());
}

TEST(DeliveryQueueTest, RemovesTheMarkedBatchesInTheirOrderAndKeepsTheOthers) {
  DeliveryQueue q(1);
  for (uint64_t id = 1; id <= 5; ++id) q.Push(Of(id, 0, id));
  std::vector<Batch> out = q.Remove(0, {false, true, false, true, true});
  ASSERT_EQ(3u, out.size());
  EXPECT_EQ(2u, out[0].id);
  EXPECT_EQ(4u, out[1].id);
  EXPECT_EQ(5u, out[2].id);
  EXPECT_EQ((std::vector<uint64_t>{1, 3}), Ids(q.of(0)));
  EXPECT_EQ(4u, q.bytes());
}

TEST(DeliveryQueueTest, StreamsAddedLaterTakeTheNextIndex) {
  DeliveryQueue q(0);
  EXPECT_EQ(0u, q.AddStream());
  EXPECT_EQ(1u, q.AddStream());
  EXPECT_EQ(2u, q.stream_count());
  q.Push(Of(7, 1, 3));
  EXPECT_EQ((std::vector<uint64_t>{7}), Ids(q.of(1)));
}

}  // namespace
}  // namespace edgelog
