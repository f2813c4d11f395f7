# Thin aliases of the nox sessions and compose commands (the task card's targets).
COMPOSE = docker compose -f docker/compose.yaml
NOX = python3 -m nox

.PHONY: up down exec lint lint-fix test int-test demo bench chaos
up:
	$(COMPOSE) up -d --build
down:
	$(COMPOSE) down
exec:
	$(COMPOSE) exec worker bash
lint:
	$(NOX) -s lint
lint-fix:
	ruff check --fix . && ruff format .
test:
	$(NOX) -s tests
int-test:
	$(NOX) -s tests -- tests/integration
demo:
	$(NOX) -s demo
bench:
	$(NOX) -s bench
chaos:
	$(NOX) -s chaos
