// dfsim report: draws the charts of report.html from the JSON embedded in it, with Chart.js.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dfsim-data').textContent);
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f',
    '#bcbd22', '#17becf'];
  window.dfsimCharts = [];

  function chart(id, config) {
    var c = new Chart(document.getElementById(id), config);
    window.dfsimCharts.push({ id: id, chart: c });
    return c;
  }

  function axes(x, y, stacked) {
    return {
      x: { stacked: !!stacked, title: { display: true, text: x } },
      y: { stacked: !!stacked, beginAtZero: true, title: { display: true, text: y } }
    };
  }

  /** Folded stacks ({stack: ns}) as the tree a flame graph draws, each node's value its total. */
  function foldedTree(folded) {
    var root = { name: 'all', value: 0, kids: {} };
    Object.keys(folded).forEach(function (stack) {
      var ns = folded[stack];
      var n = root;
      n.value += ns;
      stack.split(';').forEach(function (f) {
        if (!n.kids[f]) { n.kids[f] = { name: f, value: 0, kids: {} }; }
        n = n.kids[f];
        n.value += ns;
      });
    });
    return root;
  }

  /** The variant's tree, each frame with delta = its total minus the baseline's at the same stack. */
  function diffTree(node, base) {
    return {
      name: node.name, value: node.value, delta: node.value - (base ? base.value : 0),
      children: Object.keys(node.kids).sort().map(function (k) {
        return diffTree(node.kids[k], base ? base.kids[k] : null);
      })
    };
  }

  /** The experiment's differential flame graph: one variant's profile coloured by its change from another's. */
  function diffFlame(profiles, variants) {
    var names = variants.filter(function (v) { return profiles[v]; });
    var pick = document.getElementById('diff-variant');
    var baseline = document.getElementById('diff-baseline');
    names.forEach(function (v) {
      pick.appendChild(new Option(v, v));
      baseline.appendChild(new Option(v, v));
    });
    pick.value = names[names.length - 1];
    baseline.value = names[0];
    function draw() {
      document.getElementById('flame').innerHTML = '';
      var tree = diffTree(foldedTree(profiles[pick.value]), foldedTree(profiles[baseline.value]));
      flame(tree, function (d) {
        return d.data.name + ': ' + d.data.value.toLocaleString('en') + ' ns, '
          + (d.data.delta >= 0 ? '+' : '') + d.data.delta.toLocaleString('en') + ' ns against ' + baseline.value;
      }, flamegraph.colorMapper.differentialColorMapper);
    }
    pick.addEventListener('change', draw);
    baseline.addEventListener('change', draw);
    draw();
  }

  /**
   * The kernel profile as a flame graph (d3-flame-graph): click zooms into a frame, the search box
   * colours the frames whose name matches, the button resets the zoom. Frames hold nanoseconds.
   */
  function flame(tree, label, colorMapper) {
    var el = document.getElementById('flame');
    var total = tree.value || 1;
    var chart = flamegraph.default()
      .width(Math.max(600, el.clientWidth))
      .cellHeight(18)
      .selfValue(false)
      .transitionDuration(0)
      .minFrameSize(1)
      .sort(true)
      .title('')
      .label(label || function (d) {
        return d.data.name + ': ' + d.data.value.toLocaleString('en') + ' ns, '
          + (100 * d.data.value / total).toFixed(2) + '% of all CPU time';
      });
    if (colorMapper) {
      chart.setColorMapper(colorMapper);
    }
    d3.select(el).datum(tree).call(chart);
    // Draw the frames at their widths at once (d3-flame-graph grows new frames in a 250 ms
    // transition), so the graph is there when the page has loaded.
    d3.select(el).selectAll('g.frame').each(function () {
      var g = d3.select(this);
      g.select('rect').interrupt().attr('width', g.attr('width'));
    });
    var search = document.getElementById('flame-search');
    if (search) {
      search.addEventListener('input', function () {
        if (search.value) {
          chart.search(search.value);
        } else {
          chart.clear();
        }
      });
    }
    document.getElementById('flame-reset').onclick = function () { chart.resetZoom(); };
    window.dfsimFlame = chart;
    return chart;
  }

  // The CPUs shown: ids from..to of one socket (or all); big boxes are read a socket or a range at a time.
  var shown = { from: 0, to: Infinity, socket: null };

  // metrics.json's cpus by id (the series names its CPUs by id too), indexed once.
  var cpusById = null;
  function cpuById(run, id) {
    if (cpusById === null) {
      cpusById = {};
      run.cpus.forEach(function (c) { cpusById[c.id] = c; });
    }
    return cpusById[id];
  }

  function visible(cpu) {
    return cpu.id >= shown.from && cpu.id <= shown.to && (shown.socket === null || cpu.socket === shown.socket);
  }

  function cpuBars(run) {
    var old = window.dfsimCharts.filter(function (c) { return c.id === 'cpu-bars'; })[0];
    if (old) {
      old.chart.destroy();
      window.dfsimCharts.splice(window.dfsimCharts.indexOf(old), 1);
    }
    chart('cpu-bars', window.dfsimCpuBars(run.cpus.filter(visible),
      'Time per CPU by state, grouped by socket (s) and die (d)'));
  }

  // Reads the range from the address (#cpus=A-B, #socket=S, joined by &) and the inputs.
  function cpuRange(run) {
    var from = document.getElementById('cpu-from');
    var to = document.getElementById('cpu-to');
    var socket = document.getElementById('cpu-socket');
    var sockets = [];
    run.cpus.forEach(function (c) { if (sockets.indexOf(c.socket) < 0) { sockets.push(c.socket); } });
    socket.innerHTML = '<option value="">all</option>' + sockets.sort(function (a, b) { return a - b; })
      .map(function (k) { return '<option value="' + k + '">' + k + '</option>'; }).join('');
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var m = /^cpus=(\d+)-(\d+)$/.exec(part);
      if (m) { shown.from = Number(m[1]); shown.to = Number(m[2]); }
      m = /^socket=(\d+)$/.exec(part);
      if (m) { shown.socket = Number(m[1]); }
    });
    from.value = shown.from;
    to.value = shown.to === Infinity ? run.cpus.length - 1 : shown.to;
    socket.value = shown.socket === null ? '' : String(shown.socket);
    function apply() {
      shown.from = Number(from.value) || 0;
      shown.to = to.value === '' ? Infinity : Number(to.value);
      shown.socket = socket.value === '' ? null : Number(socket.value);
      cpuBars(run);
      showHeatmapRows(run);
    }
    [from, to, socket].forEach(function (el) { el.addEventListener('change', apply); });
  }

  function showHeatmapRows(run) {
    run.series.cpus.forEach(function (cpu, i) {
      var on = visible(cpuById(run, cpu.id));
      document.querySelectorAll('#heatmap [data-cpu="' + i + '"]').forEach(function (el) {
        el.style.display = on ? '' : 'none';
      });
    });
  }

  function heatmap(run) {
    var s = run.series;
    var el = document.getElementById('heatmap');
    var n = s.samples;
    el.style.gridTemplateColumns = '90px repeat(' + n + ', 1fr)';
    // Rows grouped by socket and die, as the bars are.
    var order = s.cpus.map(function (cpu, i) { return i; }).sort(function (a, b) {
      var x = cpuById(run, s.cpus[a].id);
      var y = cpuById(run, s.cpus[b].id);
      return x.socket - y.socket || x.die - y.die || x.id - y.id;
    });
    order.forEach(function (i) {
      var cpu = s.cpus[i];
      var label = document.createElement('div');
      label.className = 'row-label';
      label.dataset.cpu = i;
      label.textContent = 'cpu ' + cpu.id + ' (s' + cpuById(run, cpu.id).socket + ')';
      el.appendChild(label);
      for (var k = 0; k < n; k++) {
        var interval = Math.min(s.interval_ns, run.run.simulated_ns - k * s.interval_ns);
        var busy = interval > 0 ? Math.max(0, Math.min(1, cpu.busy_ns[k] / interval)) : 0;
        var spin = interval > 0 ? Math.max(0, Math.min(1 - busy, cpu.spin_ns[k] / interval)) : 0;
        var cell = document.createElement('div');
        cell.className = 'cell' + (spin > busy && spin > 0.5 ? ' spinning' : '');
        // White for idle, mixed with green by the busy share and red by the spin share.
        var idle = 1 - busy - spin;
        var rgb = [0, 1, 2].map(function (j) {
          return Math.round(255 * idle + [46, 160, 67][j] * busy + [214, 39, 40][j] * spin);
        });
        cell.style.background = 'rgb(' + rgb.join(',') + ')';
        cell.dataset.cpu = i;
        cell.title = 'cpu ' + i + ', ' + (k * s.interval_ns / 1e6).toFixed(3) + ' ms: ' + (100 * busy).toFixed(1)
          + '% busy, ' + (100 * spin).toFixed(1) + '% spin';
        el.appendChild(cell);
      }
    });
  }

  function contention(run) {
    var classes = Object.keys(run.contention);
    chart('contention', {
      type: 'bar',
      data: {
        labels: classes,
        datasets: [{ label: 'spin waiting for the lock', data: classes.map(function (c) {
          return run.contention[c].wait_ns / 1e3; }), backgroundColor: '#d62728' }]
      },
      options: {
        animation: false, maintainAspectRatio: false,
        plugins: { title: { display: true, text: 'Where the waiting went: spin time per lock class, all CPUs' } },
        scales: axes('lock class', 'wait (us)', false)
      }
    });
  }

  function percentiles(run) {
    var table = document.getElementById('percentiles');
    var keys = Object.keys(run.totals).filter(function (k) { return /_ns$/.test(k) && typeof run.totals[k] === 'object'; });
    var cols = ['p50', 'p90', 'p99', 'p99.9', 'max'];
    var head = '<tr><th>latency (ns)</th>' + cols.map(function (c) { return '<th>' + c + '</th>'; }).join('') + '</tr>';
    table.innerHTML = head + keys.map(function (k) {
      return '<tr><th>' + k + '</th>' + cols.map(function (c) {
        return '<td>' + (run.totals[k][c] === undefined ? '' : run.totals[k][c].toLocaleString('en')) + '</td>';
      }).join('') + '</tr>';
    }).join('');
  }

  // Error bars (95% CI over the seeds) drawn on a line chart's points.
  var errorBars = {
    id: 'dfsimErrorBars',
    afterDatasetsDraw: function (c) {
      var ctx = c.ctx;
      c.data.datasets.forEach(function (d, i) {
        if (!d.errors) { return; }
        var meta = c.getDatasetMeta(i);
        meta.data.forEach(function (pt, j) {
          var e = d.errors[j];
          if (!e) { return; }
          var y = c.scales.y;
          var top = y.getPixelForValue(d.data[j] + e);
          var bottom = y.getPixelForValue(d.data[j] - e);
          ctx.save();
          ctx.strokeStyle = d.borderColor;
          ctx.beginPath();
          ctx.moveTo(pt.x, top); ctx.lineTo(pt.x, bottom);
          ctx.moveTo(pt.x - 4, top); ctx.lineTo(pt.x + 4, top);
          ctx.moveTo(pt.x - 4, bottom); ctx.lineTo(pt.x + 4, bottom);
          ctx.stroke();
          ctx.restore();
        });
      });
    }
  };

  function experiment(ex) {
    var key = ex.sweepKeys[0];
    var xs = [];
    ex.rows.forEach(function (r) { if (xs.indexOf(r[key]) < 0) { xs.push(r[key]); } });
    var holder = document.getElementById('experiment-charts');
    ex.metrics.forEach(function (m, mi) {
      var h = document.createElement('h2');
      h.textContent = m.title;
      holder.appendChild(h);
      var div = document.createElement('div');
      div.className = 'chart';
      var canvas = document.createElement('canvas');
      canvas.id = 'metric-' + mi;
      div.appendChild(canvas);
      holder.appendChild(div);
      var datasets = ex.variants.map(function (v, vi) {
        var rows = xs.map(function (x) {
          return ex.rows.filter(function (r) { return r.variant === v && r[key] === x; })[0];
        });
        return {
          label: v, variant: true,
          data: rows.map(function (r) { return r && r[m.column] !== '' ? Number(r[m.column]) : null; }),
          errors: m.ci ? rows.map(function (r) { return r && r[m.ci] !== '' ? Number(r[m.ci]) : 0; }) : null,
          borderColor: palette[vi % palette.length], backgroundColor: palette[vi % palette.length], tension: 0
        };
      });
      chart(canvas.id, {
        type: 'line', data: { labels: xs, datasets: datasets }, plugins: [errorBars],
        options: {
          animation: false, maintainAspectRatio: false,
          plugins: { title: { display: true, text: m.title + (m.ci ? ' (bars: 95% CI over seeds)' : '') } },
          scales: axes(key, m.unit, false)
        }
      });
    });
    var table = document.getElementById('results');
    var cols = Object.keys(ex.rows[0] || {});
    table.innerHTML = '<tr>' + cols.map(function (c) { return '<th>' + c + '</th>'; }).join('') + '</tr>' +
      ex.rows.map(function (r) {
        return '<tr>' + cols.map(function (c) { return '<td>' + r[c] + '</td>'; }).join('') + '</tr>';
      }).join('');
  }

  if (data.run) {
    cpuRange(data.run);
    cpuBars(data.run);
    heatmap(data.run);
    showHeatmapRows(data.run);
    contention(data.run);
    percentiles(data.run);
  }
  if (data.profile) {
    flame(data.profile);
  }
  if (data.experiment) {
    experiment(data.experiment);
  }
  if (data.profiles) {
    diffFlame(data.profiles, data.experiment.variants);
  }
  // What rendered, for readers and tests: each chart's type, labels and datasets, the heatmap's
  // cells, the flame graph's frames, and any script error.
  var check = {
    errors: window.dfsimErrors || [],
    charts: window.dfsimCharts.map(function (c) {
      // Pixels the chart painted on its canvas.
      var canvas = c.chart.canvas;
      var px = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      var painted = 0;
      for (var i = 3; i < px.length; i += 4) {
        if (px[i] !== 0) { painted++; }
      }
      return {
        id: c.id, type: c.chart.config.type, labels: c.chart.data.labels.length, painted: painted,
        datasets: c.chart.data.datasets.map(function (d) { return d.label; }),
        // The values handed to Chart.js, for checking against metrics.json and results.csv.
        labelNames: c.chart.data.labels.map(String),
        values: c.chart.data.datasets.map(function (d) { return d.data; }),
        title: c.chart.options.plugins.title.text,
        axes: [c.chart.options.scales.x.title.text, c.chart.options.scales.y.title.text]
      };
    }),
    heatmapRows: document.querySelectorAll('#heatmap .row-label').length,
    heatmapRowsShown: Array.prototype.filter.call(document.querySelectorAll('#heatmap .row-label'),
      function (el) { return el.style.display !== 'none'; }).length,
    heatmapCells: document.querySelectorAll('#heatmap .cell').length,
    heatmapSpinning: document.querySelectorAll('#heatmap .cell.spinning').length,
    // The flame graph's frames as drawn: name, width in pixels and the value it stands for.
    flame: Array.prototype.map.call(document.querySelectorAll('#flame g.frame'), function (g) {
      var d = window.d3 ? window.d3.select(g).datum() : null;
      var rect = g.querySelector('rect');
      return { name: d ? d.data.name : '', value: d ? d.data.value : 0, depth: d ? d.depth : 0,
        delta: d && d.data.delta !== undefined ? d.data.delta : null,
        fill: rect ? rect.getAttribute('fill') : '',
        width: rect ? Number(rect.getAttribute('width')) : 0 };
    }),
    flameWidth: document.getElementById('flame') ? document.getElementById('flame').clientWidth : 0,
    // The summary table as the reader sees it: label -> value.
    headline: Array.prototype.reduce.call(document.querySelectorAll('#headline tr'), function (h, tr) {
      h[tr.querySelector('th').textContent] = tr.querySelector('td').textContent;
      return h;
    }, {})
  };
  document.getElementById('dfsim-selfcheck').textContent = JSON.stringify(check);
  window.dfsimReady = true;
})();
