-- Whether a runtime server's gRPC port serves TLS (its REST URL says so by its scheme). Runtimes
-- registered before this column existed registered plaintext gRPC.

ALTER TABLE runtime_server ADD COLUMN grpc_tls boolean NOT NULL DEFAULT false;
