#!/usr/bin/env sh
# The release step of a production start, run once per deploy before the processes start
# (Procfile `release`): static files, then the schema, then the deployment checks (which refuse
# to pass without collected static files). Needs the production environment (DJANGO_DEBUG=0,
# DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS, DATABASE_URL, REDIS_URL).
set -eu
cd "$(dirname "$0")/.."
python=${PYTHON:-python}
"$python" manage.py collectstatic --noinput --verbosity 0
"$python" manage.py migrate --noinput
"$python" manage.py check --deploy --fail-level WARNING
