// DCO Autopilot dashboard client: renders /api/events (server-sent events) without reloads; every value is set with textContent.
'use strict';

(function () {
  const API_BASE = document.body.dataset.apiBase || '/api';
  const state = {
    runs: new Map(),
    alerts: new Map(),
    infrastructure: { neo4j: [], ecs: [] },
    /** The last DR drill of each kind, by kind. */
    drills: new Map(),
    /** The signed-in credential ({name, role}); the session itself is an HttpOnly cookie this script never sees. */
    actor: undefined,
    source: undefined,
    /** The audit trail of the run shown: loaded from /api/audit when that run changes, then extended by `audit` events. */
    audit: { runId: undefined, entries: new Map() },
  };
  const TERMINAL = ['Completed', 'CompletedAfterRollback', 'Failed'];
  const $ = (id) => document.getElementById(id);

  /** Builds an element; children are nodes or strings (strings become text nodes, never markup). */
  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === 'className') node.className = value;
      else if (name === 'text') node.textContent = String(value);
      else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
      else node.setAttribute(name, String(value));
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  /** Only http(s) links are rendered as links. */
  function safeUrl(value) {
    try {
      const url = new URL(String(value), window.location.href);
      return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
    } catch {
      return undefined;
    }
  }

  function formatDuration(ms) {
    if (typeof ms !== 'number' || !isFinite(ms) || ms < 0) return '';
    const seconds = Math.floor(ms / 1000);
    const h = Math.floor(seconds / 3600);
    const m = Math.floor((seconds % 3600) / 60);
    const s = seconds % 60;
    if (h) return `${h}h ${String(m).padStart(2, '0')}m`;
    if (m) return `${m}m ${String(s).padStart(2, '0')}s`;
    return `${s}s`;
  }

  /** The run's update window (ADR 0027): the policy, why, and when the change set starts and ends. */
  function updateWindowText(run) {
    const window = run.updateWindow;
    if (!window) return '';
    const loads =
      typeof window.predictedLoad === 'number'
        ? `, predicted load ${window.predictedLoad}` +
          (typeof window.predictedLoadNow === 'number' ? ` (${window.predictedLoadNow} at once)` : '')
        : '';
    const opened = window.openedBy ? `, opened early by ${window.openedBy}` : '';
    return `update window (${window.policy}, ${window.reason}) ${formatTime(window.start)}-${formatTime(window.end)}${loads}${opened}`;
  }

  function formatTime(iso) {
    const date = new Date(iso);
    return isNaN(date.getTime()) ? '' : date.toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  }

  function badgeClass(status) {
    if (
      status === 'Completed' ||
      status === 'succeeded' ||
      status === 'serving' ||
      status === 'healthy' ||
      status === 'met' ||
      status === 'open'
    )
      return 'badge badge-ok';
    if (
      status === 'Failed' ||
      status === 'failed' ||
      status === 'timed-out' ||
      status === 'rejected' ||
      status === 'rolled-back' ||
      status === 'critical'
    )
      return 'badge badge-bad';
    if (
      status === 'CompletedAfterRollback' ||
      status === 'degraded' ||
      status === 'missed' ||
      status === 'frozen' ||
      status === 'AwaitingApproval' ||
      status === 'AwaitingWindow' ||
      status === 'needs-approval' ||
      status === 'deferred' ||
      status === 'warning'
    )
      return 'badge badge-warn';
    return 'badge badge-running';
  }

  function runDurationMs(run) {
    const end = TERMINAL.includes(run.status) ? Date.parse(run.updatedAt) : Date.now();
    return end - Date.parse(run.startedAt);
  }

  function sortedRuns() {
    return [...state.runs.values()].sort((a, b) =>
      b.startedAt > a.startedAt ? 1 : b.startedAt < a.startedAt ? -1 : b.runId > a.runId ? 1 : -1,
    );
  }

  /** Today's run: the newest run still in progress, else the newest run. */
  function currentRun() {
    const runs = sortedRuns();
    return runs.find((run) => !TERMINAL.includes(run.status)) || runs[0];
  }

  function traceLink(run) {
    const href = safeUrl(run.traceUrl);
    return href
      ? el('a', { href, target: '_blank', rel: 'noopener noreferrer', 'data-testid': 'trace-link', text: 'trace' })
      : '';
  }

  function renderCurrent() {
    const host = $('current-run');
    const run = currentRun();
    if (!run) {
      host.replaceChildren(el('p', { className: 'muted', text: 'No run yet.' }));
      return;
    }
    const pendingStep = run.currentStep;
    const head = el(
      'div',
      { className: 'run-head' },
      el('strong', { 'data-testid': 'current-run-id', text: run.runId }),
      el('span', { className: badgeClass(run.status), 'data-testid': 'current-status', text: run.status }),
      el('span', { text: `trigger ${run.trigger}` }),
      el('span', { text: `started ${formatTime(run.startedAt)}` }),
      el('span', {
        'data-testid': 'current-elapsed',
        'data-started': run.startedAt,
        text: `elapsed ${formatDuration(runDurationMs(run))}`,
      }),
      el('span', { text: `DCO deadline ${formatTime(run.dcoDeadline)}` }),
      updateWindowText(run)
        ? el('span', { 'data-testid': 'update-window', text: updateWindowText(run) })
        : el('span', { 'data-testid': 'update-window', className: 'muted', text: 'update window: not chosen yet' }),
      pendingStep
        ? el('span', { 'data-testid': 'current-step', text: `current step: ${pendingStep}` })
        : el('span', { 'data-testid': 'current-step', text: 'no step running' }),
      traceLink(run),
    );
    const rows = (run.steps || []).map((record) => {
      const running = record.outcome === 'running';
      const duration =
        typeof record.durationMs === 'number'
          ? record.durationMs
          : running
            ? Date.now() - Date.parse(record.startedAt)
            : undefined;
      return el(
        'tr',
        { className: running ? 'current' : '', 'data-testid': 'timeline-row', 'data-step': record.step },
        el('td', { text: record.step }),
        el('td', { text: record.attempt }),
        el('td', {}, el('span', { className: badgeClass(record.outcome), text: record.outcome })),
        el('td', { text: formatTime(record.startedAt) }),
        el('td', {
          className: running ? 'live-duration' : '',
          'data-started': running ? record.startedAt : undefined,
          text: formatDuration(duration),
        }),
        el('td', {
          text: record.failure
            ? `${record.failure.code}: ${record.failure.message}`
            : record.progress || (record.deadline ? `deadline ${formatTime(record.deadline)}` : ''),
        }),
      );
    });
    const timeline = el(
      'table',
      { 'data-testid': 'timeline' },
      el(
        'thead',
        {},
        el(
          'tr',
          {},
          ['Step', 'Attempt', 'Outcome', 'Started', 'Duration', 'Detail'].map((name) => el('th', { text: name })),
        ),
      ),
      el('tbody', {}, rows),
    );
    const parts = [head, timeline];
    if (run.migration) {
      const { phase, done, total } = run.migration;
      parts.push(
        el(
          'p',
          { 'data-testid': 'migration' },
          `Migration ${phase}: ${done}/${total} `,
          el('progress', { max: Math.max(total, 1), value: Math.min(done, Math.max(total, 1)) }),
        ),
      );
    }
    if (run.health && run.health.length) {
      const ms = (value) => (typeof value === 'number' ? `${value} ms` : '-');
      const share = (value) => (typeof value === 'number' ? `${(value * 100).toFixed(2)}%` : '-');
      const pair = (before, after, format) => `${format(before)} -> ${format(after)}`;
      parts.push(
        el('h3', { text: 'Health before -> after' }),
        el(
          'table',
          { 'data-testid': 'health' },
          el(
            'thead',
            {},
            el(
              'tr',
              {},
              ['Step', 'Service', 'Latency p99', 'Error rate', 'Neo4j query p99', 'Verdict'].map((name) =>
                el('th', { text: name }),
              ),
            ),
          ),
          el(
            'tbody',
            {},
            run.health.map((entry) =>
              el(
                'tr',
                { 'data-testid': 'health-row', 'data-service': entry.service },
                el('td', { text: entry.step }),
                el('td', { text: entry.service }),
                el('td', { text: pair(entry.before.latencyP99Ms, entry.after.latencyP99Ms, ms) }),
                el('td', { text: pair(entry.before.errorRate, entry.after.errorRate, share) }),
                el('td', { text: pair(entry.before.neo4jQueryP99Ms, entry.after.neo4jQueryP99Ms, ms) }),
                el(
                  'td',
                  {},
                  el('span', {
                    className: badgeClass(entry.regressions.length ? 'failed' : 'succeeded'),
                    text: entry.regressions.length ? `regressed: ${entry.regressions.join('; ')}` : 'ok',
                  }),
                  entry.inconclusive ? ` (${entry.inconclusive})` : '',
                ),
              ),
            ),
          ),
        ),
      );
    }
    if (run.changes && run.changes.length) {
      parts.push(
        el('h3', { text: 'Changes' }),
        el(
          'ul',
          { 'data-testid': 'changes' },
          run.changes.map((change) =>
            el('li', {
              text: `${change.kind} ${change.subject}: ${change.from ?? '-'} -> ${change.to} (${change.risk}) ${change.reason}`,
            }),
          ),
        ),
      );
    }
    if (run.failure)
      parts.push(
        el('p', {
          className: 'error',
          'data-testid': 'current-failure',
          text: `${run.failure.code}: ${run.failure.message}`,
        }),
      );
    host.replaceChildren(...parts);
  }

  /** Loads the shown run's earlier entries once; entries arriving meanwhile as events are kept (by eventId). */
  async function loadAudit() {
    const run = currentRun();
    if (!run || state.audit.runId === run.runId) return;
    state.audit = { runId: run.runId, entries: new Map() };
    renderAudit();
    try {
      const query = new URLSearchParams({ day: run.day, runId: run.runId });
      const response = await fetch(`${API_BASE}/audit?${query}`, { headers: { accept: 'application/json' } });
      if (!response.ok || state.audit.runId !== run.runId) return;
      for (const entry of await response.json()) state.audit.entries.set(entry.eventId, entry);
      renderAudit();
    } catch {
      // The next change of the shown run loads it again.
      state.audit.runId = undefined;
    }
  }

  function renderAudit() {
    const host = $('current-audit');
    const entries = [...state.audit.entries.values()].sort((a, b) => a.version - b.version || a.seq - b.seq);
    if (!entries.length) {
      host.replaceChildren(el('p', { className: 'muted', text: 'No entry yet.' }));
      return;
    }
    const rows = entries.map((entry) =>
      el(
        'tr',
        { 'data-testid': 'audit-row', 'data-kind': entry.kind },
        el('td', { text: formatTime(entry.at) }),
        el('td', { text: entry.kind }),
        el('td', { 'data-testid': 'audit-actor', text: entry.actor }),
        el('td', {
          text:
            entry.reason && !entry.summary.includes(entry.reason)
              ? `${entry.summary} (why: ${entry.reason})`
              : entry.summary,
        }),
      ),
    );
    host.replaceChildren(
      el(
        'table',
        {},
        el(
          'thead',
          {},
          el(
            'tr',
            {},
            ['Time', 'Kind', 'Who', 'What'].map((name) => el('th', { text: name })),
          ),
        ),
        el('tbody', {}, rows),
      ),
    );
  }

  function renderApprovals() {
    const host = $('approval-list');
    const waiting = sortedRuns().filter((run) => run.status === 'AwaitingApproval' || run.status === 'AwaitingWindow');
    if (!waiting.length) {
      host.replaceChildren(el('p', { className: 'muted', text: 'Nothing waits for a decision.' }));
      return;
    }
    host.replaceChildren(
      ...waiting.map((run) => {
        const open = (run.approvals || []).filter((approval) => !approval.decision);
        const reasons = open.flatMap((approval) => approval.reasons || []);
        const reason = el('input', {
          type: 'text',
          maxlength: 500,
          placeholder: 'reason (required to reject)',
          'data-testid': 'approval-reason',
          'aria-label': `reason for ${run.runId}`,
        });
        const result = el('span', { 'data-testid': 'approval-result', role: 'status' });
        const decide = (decision) => () => submitDecision(run.runId, decision, reason, result);
        return el(
          'div',
          { className: 'approval', 'data-testid': 'approval', 'data-run-id': run.runId },
          el('strong', { text: run.runId }),
          el(
            'ul',
            {},
            reasons.map((text) => el('li', { 'data-testid': 'approval-why', text })),
          ),
          reason,
          el('button', { type: 'button', 'data-testid': 'approve', onclick: decide('approve'), text: 'Approve' }),
          el('button', { type: 'button', 'data-testid': 'reject', onclick: decide('reject'), text: 'Reject' }),
          ' ',
          result,
        );
      }),
    );
  }

  async function submitDecision(runId, decision, reasonInput, result) {
    const reason = reasonInput.value.trim();
    result.className = '';
    if (!state.actor) {
      result.className = 'error';
      result.textContent = 'Sign in with an operator token first.';
      return;
    }
    if (decision === 'reject' && !reason) {
      result.className = 'error';
      result.textContent = 'A rejection needs a reason.';
      return;
    }
    result.textContent = 'sending...';
    try {
      const response = await fetch(`${API_BASE}/runs/${encodeURIComponent(runId)}/${decision}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ reason: reason || 'approved from the dashboard' }),
      });
      const text = await response.text();
      let body;
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        body = { message: text };
      }
      if (!response.ok) {
        const message = Array.isArray(body.message) ? body.message.join('; ') : body.message || response.statusText;
        result.className = 'error';
        result.textContent = `${response.status} ${body.code || ''} ${message}`.replace(/\s+/g, ' ').trim();
        return;
      }
      result.className = 'success';
      result.textContent = decision === 'approve' ? 'Approval sent.' : 'Rejection sent.';
    } catch (error) {
      result.className = 'error';
      result.textContent = `request failed: ${error && error.message ? error.message : error}`;
    }
  }

  function renderAlerts() {
    const host = $('alert-list');
    const alerts = [...state.alerts.values()].sort((a, b) => (b.at > a.at ? 1 : -1));
    if (!alerts.length) {
      host.replaceChildren(el('li', { className: 'muted', text: 'No open alerts.' }));
      return;
    }
    host.replaceChildren(
      ...alerts.map((alert) =>
        el(
          'li',
          { className: `alert alert-${alert.severity}`, 'data-testid': 'alert', 'data-cause': alert.cause },
          el('span', { className: badgeClass(alert.severity), text: alert.severity }),
          ' ',
          el('strong', { text: alert.cause }),
          ' ',
          el('span', { 'data-testid': 'alert-summary', text: alert.summary }),
          el('div', {
            className: 'muted',
            text: `${alert.runId} at ${formatTime(alert.at)}${alert.count > 1 ? ` (raised ${alert.count} times, delivered once)` : ''}`,
          }),
          alert.detail ? el('div', { 'data-testid': 'alert-detail', text: alert.detail }) : '',
        ),
      ),
    );
  }

  function renderInfrastructure() {
    const { neo4j, ecs, pointer, live } = state.infrastructure;
    $('infra-live').textContent = live
      ? `read live from EC2, ECS and the Neo4j pointer at ${formatTime(live.readAt)}`
      : 'Not read live yet: showing what the bus reported.';
    $('infra-errors').replaceChildren(
      ...((live && live.errors) || []).map((error) =>
        el(
          'li',
          { className: 'error', 'data-testid': 'infra-error', 'data-source': error.source },
          el('strong', { text: error.code }),
          ` ${error.message}`,
        ),
      ),
    );
    const pointerHost = $('neo4j-pointer');
    if (pointer) {
      pointerHost.className = '';
      pointerHost.replaceChildren(
        `Neo4j pointer (${pointer.location}, generation ${pointer.generation}): ${pointer.instanceId} ${pointer.version} at ${pointer.boltUri}, writes `,
        el('span', { className: badgeClass(pointer.writes), 'data-testid': 'pointer-writes', text: pointer.writes }),
        pointer.previousInstanceId ? ` (previous ${pointer.previousInstanceId} kept for rollback)` : '',
      );
    } else {
      pointerHost.className = 'muted';
      pointerHost.textContent = live ? 'Neo4j pointer: none written yet.' : 'Neo4j pointer: not read yet.';
    }
    $('neo4j-rows').replaceChildren(
      ...(neo4j.length
        ? neo4j.map((server) =>
            el(
              'tr',
              { 'data-testid': 'neo4j-row', 'data-role': server.role, 'data-instance': server.instanceId },
              el('td', { text: server.role }),
              el('td', { text: server.instanceId }),
              el('td', { text: server.version || '' }),
              el('td', { text: server.boltUri || '' }),
              el('td', { text: [server.ec2State, server.instanceType].filter(Boolean).join(' ') }),
              el(
                'td',
                {},
                el('span', { className: badgeClass(server.state), text: server.serving ? 'serving' : server.state }),
              ),
            ),
          )
        : [el('tr', {}, el('td', { colspan: 6, className: 'muted', text: 'No Neo4j server found.' }))]),
    );
    $('ecs-rows').replaceChildren(
      ...(ecs.length
        ? ecs.map((service) =>
            el(
              'tr',
              { 'data-testid': 'ecs-row', 'data-service': service.service },
              el('td', { text: service.service }),
              el('td', { 'data-testid': 'ecs-revision', text: service.revision ?? '' }),
              el('td', {
                'data-testid': 'ecs-tasks',
                text:
                  typeof service.desiredCount === 'number'
                    ? `${service.runningCount}/${service.desiredCount}${service.rolloutState ? ` ${service.rolloutState}` : ''}`
                    : '',
              }),
              el('td', { text: service.taskDefinition }),
              el('td', {}, el('span', { className: badgeClass(service.health), text: service.health })),
            ),
          )
        : [el('tr', {}, el('td', { colspan: 5, className: 'muted', text: 'No ECS service found.' }))]),
    );
  }

  /** The last drill of each kind (ADR 0026): when, RTO against its objective, writes lost, met or missed and why. */
  function renderDrills() {
    const drills = [...state.drills.values()].sort((a, b) => (b.completedAt > a.completedAt ? 1 : -1));
    $('drill-rows').replaceChildren(
      ...(drills.length
        ? drills.map((drill) =>
            el(
              'tr',
              { 'data-testid': 'drill-row', 'data-kind': drill.kind },
              el('td', { text: drill.kind }),
              el('td', { text: formatTime(drill.completedAt) }),
              el('td', { 'data-testid': 'drill-rto', text: `${drill.rtoS} s (objective ${drill.rtoObjectiveS} s)` }),
              el('td', {
                'data-testid': 'drill-rpo',
                text:
                  `${drill.rpoWritesLost} of ${drill.acknowledgedWrites} writes lost` +
                  (drill.rpoObjective === 'covered'
                    ? ` (${drill.coveredWritesLost} before the recovery point; objective 0 of those)`
                    : ' (objective 0)'),
              }),
              el(
                'td',
                {},
                el('span', {
                  className: badgeClass(drill.met ? 'met' : 'failed'),
                  'data-testid': 'drill-verdict',
                  text: drill.met ? 'met' : 'missed',
                }),
                drill.misses.length ? el('div', { 'data-testid': 'drill-misses', text: drill.misses.join('; ') }) : '',
              ),
            ),
          )
        : [el('tr', {}, el('td', { colspan: 5, className: 'muted', text: 'No drill reported yet.' }))]),
    );
  }

  function renderHistory() {
    $('history-rows').replaceChildren(
      ...sortedRuns().map((run) =>
        el(
          'tr',
          { 'data-testid': 'history-row', 'data-run-id': run.runId },
          el('td', { text: run.runId }),
          el(
            'td',
            {},
            el('span', { className: badgeClass(run.status), 'data-testid': 'history-status', text: run.status }),
          ),
          el('td', { text: formatTime(run.startedAt) }),
          el('td', { text: formatDuration(runDurationMs(run)) }),
          el('td', { text: run.failure ? run.failure.code : '' }),
          el('td', {}, traceLink(run)),
        ),
      ),
    );
  }

  function renderAll() {
    renderCurrent();
    void loadAudit();
    renderApprovals();
    renderAlerts();
    renderInfrastructure();
    renderDrills();
    renderHistory();
  }

  /** Updates arrive in order on one stream; a snapshot after a reconnect replaces everything. */
  function upsertRun(run) {
    state.runs.set(run.runId, run);
  }

  function setConnection(text, className) {
    const badge = $('connection');
    badge.textContent = text;
    badge.className = className;
  }

  function connect() {
    if (state.source) state.source.close();
    const source = new EventSource(`${API_BASE}/events`);
    state.source = source;
    source.addEventListener('open', () => setConnection('live', 'badge badge-ok'));
    source.addEventListener('error', () => setConnection('reconnecting', 'badge badge-warn'));
    source.addEventListener('snapshot', (event) => {
      const snapshot = JSON.parse(event.data);
      state.runs.clear();
      state.alerts.clear();
      // Entries written while disconnected came as no event: reload the shown run's trail.
      state.audit.runId = undefined;
      (snapshot.runs || []).forEach(upsertRun);
      (snapshot.alerts || []).forEach((alert) => state.alerts.set(alert.dedupeKey, alert));
      state.infrastructure = snapshot.infrastructure || { neo4j: [], ecs: [] };
      state.drills = new Map((snapshot.drills || []).map((drill) => [drill.kind, drill]));
      setConnection('live', 'badge badge-ok');
      renderAll();
    });
    source.addEventListener('run', (event) => {
      upsertRun(JSON.parse(event.data));
      renderCurrent();
      void loadAudit();
      renderApprovals();
      renderHistory();
    });
    source.addEventListener('alert', (event) => {
      const alert = JSON.parse(event.data);
      state.alerts.set(alert.dedupeKey, alert);
      renderAlerts();
    });
    source.addEventListener('alert-closed', (event) => {
      state.alerts.delete(JSON.parse(event.data).dedupeKey);
      renderAlerts();
    });
    source.addEventListener('audit', (event) => {
      const entry = JSON.parse(event.data);
      if (entry.runId !== state.audit.runId) return;
      state.audit.entries.set(entry.eventId, entry);
      renderAudit();
    });
    source.addEventListener('infrastructure', (event) => {
      state.infrastructure = JSON.parse(event.data);
      renderInfrastructure();
    });
    source.addEventListener('drill', (event) => {
      const drill = JSON.parse(event.data);
      state.drills.set(drill.kind, drill);
      renderDrills();
    });
  }

  function showActor() {
    $('token-status').textContent = state.actor
      ? `signed in as ${state.actor.name} (${state.actor.role})`
      : 'not signed in';
    if (!state.actor) setConnection('sign in to see the runs', 'badge badge-pending');
  }

  /** The session cookie (HttpOnly, SameSite=Strict) authenticates the event stream and the decisions. */
  async function session(method, body) {
    const response = await fetch(`${API_BASE}/session`, {
      method,
      credentials: 'same-origin',
      headers: body ? { 'Content-Type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    return { ok: response.ok, status: response.status, body: text ? JSON.parse(text) : {} };
  }

  $('token-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const token = $('token').value.trim();
    $('token').value = '';
    if (!token) return;
    const answer = await session('POST', { token });
    if (!answer.ok) {
      // The session held so far (if any) stays; the refusal is shown until the next sign-in.
      $('token-status').textContent = `${answer.status} ${answer.body.code || ''} ${answer.body.message || ''}`.trim();
      return;
    }
    state.actor = answer.body;
    showActor();
    connect();
  });

  $('sign-out').addEventListener('click', async () => {
    await session('DELETE');
    state.actor = undefined;
    if (state.source) state.source.close();
    showActor();
  });

  // Running durations tick every second without a round trip.
  setInterval(() => {
    for (const cell of document.querySelectorAll('[data-started].live-duration'))
      cell.textContent = formatDuration(Date.now() - Date.parse(cell.dataset.started));
    const elapsed = document.querySelector('[data-testid="current-elapsed"]');
    const run = currentRun();
    if (elapsed && run) elapsed.textContent = `elapsed ${formatDuration(runDurationMs(run))}`;
  }, 1000);

  // A session from earlier in this browser (the cookie) is used at once; otherwise the page waits for a token.
  session('GET').then(
    (answer) => {
      state.actor = answer.ok ? answer.body : undefined;
      showActor();
      if (state.actor) connect();
    },
    () => showActor(),
  );
})();
