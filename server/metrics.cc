#include "server/metrics.h"

#include <map>
#include <mutex>
#include <sstream>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/exposer.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include "base/strings.h"
#include "server/rpc_log.h"

namespace quotematch {

// The registry behind a Collectable that refreshes the scrape-time gauges
// first, so that the exposer and Text() see the same numbers.
struct Metrics::Impl : prometheus::Collectable {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter().Name("quotematch_rpc_requests_total").Help("Calls ended, by method and status code")
          .Register(*registry);
  prometheus::Family<prometheus::Histogram>& duration =
      prometheus::BuildHistogram().Name("quotematch_rpc_duration_seconds").Help("Call duration, by method")
          .Register(*registry);
  prometheus::Gauge& open_streams = prometheus::BuildGauge()
                                        .Name("quotematch_open_streams")
                                        .Help("AlignDocuments, MatchStream and IngestDocuments calls open")
                                        .Register(*registry)
                                        .Add({});
  prometheus::Gauge& open_watchers =
      prometheus::BuildGauge().Name("quotematch_open_watchers").Help("WatchMatches calls open").Register(*registry).Add({});
  prometheus::Family<prometheus::Counter>& rejected =
      prometheus::BuildCounter().Name("quotematch_rejected_total").Help("Calls refused before any work, by reason")
          .Register(*registry);
  prometheus::Family<prometheus::Counter>& documents =
      prometheus::BuildCounter().Name("quotematch_documents_ingested_total").Help("Documents ingested, by outcome")
          .Register(*registry);
  prometheus::Counter& statements = prometheus::BuildCounter()
                                        .Name("quotematch_statements_ingested_total")
                                        .Help("Statements of new and replaced ingested documents")
                                        .Register(*registry)
                                        .Add({});
  prometheus::Family<prometheus::Counter>& matches =
      prometheus::BuildCounter().Name("quotematch_matches_published_total").Help("Live feed events, by type")
          .Register(*registry);
  prometheus::Gauge& index_statements = prometheus::BuildGauge()
                                            .Name("quotematch_index_statements")
                                            .Help("Statements in the live feed's index")
                                            .Register(*registry)
                                            .Add({});
  prometheus::Gauge& store_bytes = prometheus::BuildGauge()
                                       .Name("quotematch_store_bytes")
                                       .Help("Size of the store's files on disk (database and WAL)")
                                       .Register(*registry)
                                       .Add({});
  prometheus::Family<prometheus::Counter>& reloads =
      prometheus::BuildCounter().Name("quotematch_token_reloads_total").Help("Token file reloads, by result")
          .Register(*registry);

  mutable std::mutex mu;   // guards the caches and the size functions
  std::map<std::string, prometheus::Histogram*, std::less<>> by_method;
  std::map<std::pair<std::string, int>, prometheus::Counter*> by_code;
  std::function<size_t()> index_fn, store_fn;

  std::vector<prometheus::MetricFamily> Collect() const override {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (index_fn) index_statements.Set(static_cast<double>(index_fn()));
      if (store_fn) store_bytes.Set(static_cast<double>(store_fn()));
    }
    return registry->Collect();
  }
};

Metrics::Metrics() : impl_(std::make_shared<Impl>()) {}
Metrics::~Metrics() = default;

absl::Status Metrics::Serve(const std::string& listen) {
  try {
    exposer_ = std::make_unique<prometheus::Exposer>(listen, /*num_threads=*/1);
  } catch (const std::exception& e) {
    return absl::UnavailableError(StrCat("metrics_listen: cannot listen on ", listen, ": ", e.what()));
  }
  exposer_->RegisterCollectable(impl_);
  return absl::OkStatus();
}

int Metrics::port() const {
  if (exposer_ == nullptr) return 0;
  const std::vector<int> ports = exposer_->GetListeningPorts();
  return ports.empty() ? 0 : ports.front();
}

void Metrics::ObserveRpc(std::string_view method, grpc::StatusCode code, double seconds) {
  prometheus::Histogram* h;
  prometheus::Counter* c;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    auto it = impl_->by_method.find(method);
    if (it == impl_->by_method.end()) {
      static const prometheus::Histogram::BucketBoundaries kBuckets = {
          0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
      it = impl_->by_method.emplace(std::string(method),
                                    &impl_->duration.Add({{"method", std::string(method)}}, kBuckets)).first;
    }
    h = it->second;
    const auto key = std::make_pair(std::string(method), static_cast<int>(code));
    auto jt = impl_->by_code.find(key);
    if (jt == impl_->by_code.end()) {
      jt = impl_->by_code.emplace(key, &impl_->requests.Add({{"method", std::string(method)},
                                                              {"code", std::string(StatusCodeName(code))}})).first;
    }
    c = jt->second;
  }
  h->Observe(seconds);
  c->Increment();
}

void Metrics::AddOpenStreams(int delta) { impl_->open_streams.Increment(delta); }
void Metrics::AddOpenWatchers(int delta) { impl_->open_watchers.Increment(delta); }

void Metrics::Rejected(std::string_view reason) { impl_->rejected.Add({{"reason", std::string(reason)}}).Increment(); }

void Metrics::DocumentIngested(std::string_view outcome, size_t statements) {
  impl_->documents.Add({{"outcome", std::string(outcome)}}).Increment();
  if (outcome != "unchanged") impl_->statements.Increment(static_cast<double>(statements));
}

void Metrics::MatchEvent(std::string_view type) { impl_->matches.Add({{"type", std::string(type)}}).Increment(); }

void Metrics::TokenReload(bool ok) { impl_->reloads.Add({{"result", ok ? "ok" : "error"}}).Increment(); }

void Metrics::SetSizes(std::function<size_t()> index_statements, std::function<size_t()> store_bytes) {
  std::lock_guard<std::mutex> lock(impl_->mu);
  impl_->index_fn = std::move(index_statements);
  impl_->store_fn = std::move(store_bytes);
}

std::string Metrics::Text() const {
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, impl_->Collect());
  return out.str();
}

}  // namespace quotematch
