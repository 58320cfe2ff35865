// dfsim live view: polls /api/status and redraws the run's progress and per-CPU bars, with Chart.js.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dfsim-data').textContent);
  var live = window.dfsimLive = { polls: 0, simulatedNs: [], state: 'starting', failures: 0 };
  var bars = null;

  function text(id, value) {
    document.getElementById(id).textContent = value;
  }

  function fmt(n) {
    return Number(n).toLocaleString('en');
  }

  function draw(s) {
    var config = window.dfsimCpuBars(s.cpus, 'Time per CPU by state so far, grouped by socket (s) and die (d)');
    if (!bars) {
      bars = new Chart(document.getElementById('live-bars'), config);
    } else {
      config.data.datasets.forEach(function (d, i) { bars.data.datasets[i].data = d.data; });
      bars.update('none');
    }
  }

  function show(s) {
    live.polls++;
    live.state = s.state;
    live.simulatedNs.push(s.simulated_ns);
    text('state', s.state);
    var el = document.getElementById('sim-time');
    el.dataset.ns = s.simulated_ns;
    el.textContent = (s.simulated_ns / 1e6).toFixed(3);
    text('end-time', (s.end_ns / 1e6).toFixed(3));
    text('events', fmt(s.events));
    text('events-per-s', fmt(s.events_per_s));
    text('wall', (s.wall_ms / 1000).toFixed(1));
    text('digest', s.digest ? 'result digest: ' + s.digest : (s.message || ''));
    document.getElementById('progress').value = s.end_ns > 0 ? s.simulated_ns / s.end_ns : 0;
    draw(s);
  }

  function poll() {
    fetch(data.status, { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        show(s);
        if (s.state === 'running') {
          setTimeout(poll, data.pollMs);
        }
      })
      .catch(function () {
        // The run ended and took the server with it: keep what was shown.
        live.failures++;
        text('state', live.state === 'running' ? 'disconnected' : live.state);
      });
  }
  poll();
})();
