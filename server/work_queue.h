// File: server/work_queue.h
//
// A fixed pool of worker threads for CPU work, so that the gRPC callback
// threads only move messages. Tasks run in submission order across workers.
//
//   WorkQueue pool(4);
//   if (!pool.Submit([&] { ... })) { /* shutting down: fail the call */ }
//   pool.Shutdown();   // runs what was queued, then joins
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace quotematch {

class WorkQueue {
 public:
  explicit WorkQueue(size_t threads);
  ~WorkQueue();
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  // Queues `task`; false (and the task is dropped) after Shutdown().
  bool Submit(std::function<void()> task);
  // Stops accepting tasks, finishes the queued ones and joins the workers.
  void Shutdown();
  size_t thread_count() const { return workers_.size(); }

 private:
  void Work();
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace quotematch
