#!/bin/sh
# The one way Educa's production processes start: the Docker image's
# ENTRYPOINT and `make prod-local` (deploy/prod_local.py) both run this, so
# the two cannot drift apart.
#
#   entrypoint.sh serve [uvicorn options]   HTTP + WebSocket on $HOST:$PORT
#   entrypoint.sh worker [options]          background tasks and the periodic schedule
#   entrypoint.sh migrate                   apply database migrations
#   entrypoint.sh collectstatic             collect static files into $STATIC_ROOT
#   entrypoint.sh <command> [args]          run anything else (a shell, manage.py ...)
set -eu

case "${TRUST_PROXY_HEADERS:-false}" in
    [Tt]rue | [Yy]es | [Oo]n | 1) proxy_headers=--proxy-headers ;;
    *) proxy_headers=--no-proxy-headers ;;
esac

# permessage-deflate keeps zlib streams per socket: an idle chat socket
# costs 85-88 KB of worker memory with it, 40-42 KB without, and each
# delivery ~1.5x the CPU, to save ~190 bytes a chat frame. Off unless asked
# for (bench/README.md, "permessage-deflate"); browsers always offer it and
# connect uncompressed when it is refused.
case "${WS_PER_MESSAGE_DEFLATE:-false}" in
    [Tt]rue | [Yy]es | [Oo]n | 1) ws_per_message_deflate=true ;;
    *) ws_per_message_deflate=false ;;
esac

command="${1:-serve}"
[ "$#" -gt 0 ] && shift

case "$command" in
    serve)
        # X-Forwarded-For/Proto are believed only from FORWARDED_ALLOW_IPS
        # (uvicorn reads it; default 127.0.0.1), and only when the proxy is
        # trusted at all. Access lines come from the app (JSON), not uvicorn.
        exec uvicorn educa.asgi:application \
            --host "${HOST:-0.0.0.0}" \
            --port "${PORT:-8000}" \
            --workers "${WEB_CONCURRENCY:-1}" \
            --lifespan off \
            --no-access-log \
            --timeout-graceful-shutdown 10 \
            --ws-per-message-deflate "$ws_per_message_deflate" \
            "$proxy_headers" \
            "$@"
        ;;
    worker)
        # Runs the tasks web processes store (TASK_BACKEND=database) and
        # enqueues the periodic ones; start as many as needed, anywhere.
        exec python -m django worker "$@"
        ;;
    migrate)
        exec python -m django migrate --no-input "$@"
        ;;
    collectstatic)
        exec python -m django collectstatic --no-input -v 0 "$@"
        ;;
    *)
        exec "$command" "$@"
        ;;
esac
