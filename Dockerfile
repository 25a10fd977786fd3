# cloudatlas serve as a container: a static binary (pure Go, SQLite
# included) on a distroless base, run as a non-root user. The atlas data
# is compiled into the binary; range data lives in the store (the
# embedded SQLite file under /data, or PostgreSQL via $CLOUDATLAS_STORE)
# and each container's compiled index under /data. See docs/deploy.md.
FROM golang:1.26.8-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/cloudatlas ./cmd/cloudatlas \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/cloudatlas /usr/local/bin/cloudatlas
# The data dir must belong to the non-root user (uid 65532) so that a
# named volume mounted there starts out writable.
COPY --from=build --chown=65532:65532 /out/data /data
ENV CLOUDATLAS_DATA_DIR=/data
VOLUME /data
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/cloudatlas"]
CMD ["serve", "--addr", ":8080"]
