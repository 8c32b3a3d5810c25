/*
 * q3tts UI library (plain JS, no build step). Loaded in <head> by the shell, so plugin pages can
 * call it from inline scripts. Everything goes through the public REST and WebSocket API, on the
 * server named by <meta name="q3tts-api"> (remote mode) or else the one that served the page: build
 * every API, audio and download URL with Q3.url(path) and every socket with Q3.wsUrl(path)
 * (Q3.api does it itself).
 */
(function () {
  'use strict';

  const MAX_TEXT = 4096;
  const MAX_INSTRUCT = 2000;
  const MAX_NEW_TOKENS = 8192;
  const FORMATS = ['wav', 'flac', 'mp3', 'opus'];

  // ---- which server ------------------------------------------------------------------------------

  /** The API server's origin in remote mode ('http(s)://host[:port]'), '' when it is the page's own. */
  const API_BASE = (() => {
    const meta = document.querySelector('meta[name="q3tts-api"]');
    return meta && meta.content ? meta.content.trim().replace(/\/+$/, '') : '';
  })();

  /** An API path ('/api/v1/...', '/plugins/...') as a URL on the API server; absolute, data: and blob: URLs pass through. */
  function url(path) {
    if (path === null || path === undefined || path === '') return path;
    const p = String(path);
    if (/^[a-z][a-z0-9+.-]*:/i.test(p) || p.startsWith('//')) return p;
    return API_BASE + (p.startsWith('/') ? p : '/' + p);
  }

  /** A WebSocket URL on the API server: ws:// for http, wss:// for https. */
  function wsUrl(path) {
    return (API_BASE || location.origin).replace(/^http/, 'ws') + (path.startsWith('/') ? path : '/' + path);
  }

  /** The API server as people read it. */
  function serverName() {
    return API_BASE || location.origin;
  }

  /** Shows or hides the banner that says the API server does not answer. */
  function offline(down, detail) {
    const banner = document.getElementById('q3-offline');
    const badge = document.getElementById('q3-server');
    if (badge) badge.classList.toggle('down', !!down);
    if (!banner) return;
    if (!down) { banner.hidden = true; return; }
    banner.textContent = 'Cannot reach the q3tts server at ' + serverName() + (detail ? ' (' + detail + ')' : '') + '. '
      + (API_BASE ? 'Check that it is running and that its http.cors_origins lists ' + location.origin + '.'
        : 'Check that it is still running.');
    banner.hidden = false;
  }

  /** An API error: the JSON body's error, errorType and field. */
  class ApiError extends Error {
    constructor(status, body) {
      super((body && body.error) || ('HTTP ' + status));
      this.status = status;
      this.errorType = (body && body.errorType) || 'INTERNAL';
      this.field = (body && body.field) || null;
    }
  }

  /** Fetches JSON (or nothing for 204); a non-2xx answer throws an ApiError. body: object (JSON) or FormData. */
  async function api(method, path, body) {
    const init = { method: method, headers: { Accept: 'application/json' } };
    if (body instanceof FormData) {
      init.body = body;
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['Content-Type'] = 'application/json';
    }
    let res;
    try {
      res = await fetch(url(path), init);
    } catch (e) {
      // A network failure, or a cross-origin answer the browser refused to show (missing CORS headers).
      offline(true, e.message);
      throw new ApiError(0, { error: 'Cannot reach the q3tts server at ' + serverName() + '.', errorType: 'UNAVAILABLE' });
    }
    offline(false);
    if (res.status === 204) {
      return null;
    }
    const text = await res.text();
    let json = null;
    try { json = text ? JSON.parse(text) : null; } catch (e) { json = { error: text }; }
    if (!res.ok) {
      throw new ApiError(res.status, json);
    }
    return json;
  }

  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : v);
    }
    for (const c of [].concat(children || [])) {
      if (c !== null && c !== undefined) e.append(c);
    }
    return e;
  }

  // ---- field errors -------------------------------------------------------------------------

  function errorSlot(form, field) {
    return form.querySelector('[data-error-for="' + (field || '') + '"]')
      || form.querySelector('[data-error-for=""]');
  }

  function clearErrors(form) {
    form.querySelectorAll('[data-error-for]').forEach(e => { e.textContent = ''; });
    form.querySelectorAll('.invalid').forEach(e => e.classList.remove('invalid'));
  }

  /** Shows an error next to its field (the API's field name), or in the form's general slot. */
  function showError(form, field, message) {
    const slot = errorSlot(form, field);
    if (slot) slot.textContent = message;
    const input = field ? form.querySelector('[name="' + field + '"]') : null;
    if (input) {
      input.classList.add('invalid');
      const details = input.closest('details');
      if (details) details.open = true;
    }
    if (!slot) alert(message);
  }

  // ---- models ---------------------------------------------------------------------------------

  let modelsPromise = null;
  function models() {
    if (!modelsPromise) {
      modelsPromise = api('GET', '/api/v1/models').then(j => j.models || []).catch(e => { modelsPromise = null; throw e; });
    }
    return modelsPromise;
  }

  const LANGUAGES = ['auto', 'chinese', 'english', 'japanese', 'korean', 'german', 'french', 'russian',
    'portuguese', 'spanish', 'italian'];

  /** Fills a model <select> with the models serving a task and keeps language/instruct/banner in step. */
  async function bindModel(form, task, onChange) {
    const select = form.querySelector('select[name="model"]');
    let list = [];
    try {
      list = (await models()).filter(m => (m.tasks || []).includes(task));
    } catch (e) {
      showError(form, 'model', 'Cannot list the models: ' + e.message);
    }
    if (select) {
      select.replaceChildren(...list.map(m => el('option', { value: m.id, text: m.display_name + (m.random_weights ? ' (random weights)' : '') })));
      if (!list.length) {
        select.append(el('option', { value: '', text: 'no model serves this task' }));
      }
    }
    const update = () => {
      const m = list.find(x => x.id === (select ? select.value : '')) || list[0];
      let banner = form.querySelector('[data-model-warning]');
      if (!banner) {
        banner = el('div', { class: 'banner warn', 'data-model-warning': true, role: 'status', hidden: true });
        form.prepend(banner);
      }
      banner.textContent = m && m.random_weights
        ? (m.warning || 'This model has random weights: it produces noise, not speech.') + ' (' + m.id + ')' : '';
      banner.hidden = !(m && m.random_weights);
      const lang = form.querySelector('select[name="language"]');
      if (lang && m) {
        const keep = lang.value || lang.dataset.initial || 'auto';
        const langs = ['auto'].concat((m.languages && m.languages.length ? m.languages : LANGUAGES).filter(l => l !== 'auto'));
        lang.replaceChildren(...langs.map(l => el('option', { value: l, text: l })));
        lang.value = langs.includes(keep) ? keep : 'auto';
      }
      form.querySelectorAll('[data-needs-instruct]').forEach(box => {
        box.hidden = !(m && m.supports_instruct);
        box.querySelectorAll('input,textarea').forEach(i => { i.disabled = box.hidden; });
      });
      if (onChange) onChange(m);
    };
    if (select) select.addEventListener('change', update);
    update();
    return list;
  }

  // ---- sampling ---------------------------------------------------------------------------------

  const SAMPLING = [
    ['temperature', 'Temperature', 'number', '0.9', 'any'],
    ['top_k', 'Top-k', 'number', '50', '1'],
    ['top_p', 'Top-p', 'number', '1.0', 'any'],
    ['repetition_penalty', 'Repetition penalty', 'number', '1.05', 'any'],
    ['subtalker_temperature', 'Code predictor temperature', 'number', '0.9', 'any'],
    ['subtalker_top_k', 'Code predictor top-k', 'number', '50', '1'],
    ['subtalker_top_p', 'Code predictor top-p', 'number', '1.0', 'any'],
    ['max_new_tokens', 'Max frames', 'number', 'model default', '1'],
  ];

  /** Builds the folded "Advanced sampling" section into a container (seed first, always visible in it). */
  function sampling(container) {
    const fields = SAMPLING.map(([name, label, type, ph, step]) => el('div', { class: 'field' }, [
      el('label', { for: 'f-' + name, text: label }),
      el('input', { id: 'f-' + name, name: name, type: type, placeholder: ph, step: step }),
      el('div', { class: 'field-error', 'data-error-for': name }),
    ]));
    const doSample = el('div', { class: 'field' }, [
      el('label', { for: 'f-do_sample', text: 'Sampling' }),
      el('select', { id: 'f-do_sample', name: 'do_sample' }, [
        el('option', { value: '', text: 'model default' }), el('option', { value: 'true', text: 'on' }),
        el('option', { value: 'false', text: 'off (greedy)' })]),
      el('div', { class: 'field-error', 'data-error-for': 'do_sample' }),
    ]);
    container.replaceChildren(el('details', { class: 'advanced' }, [
      el('summary', { text: 'Advanced sampling' }),
      el('div', { class: 'grid' }, [
        el('div', { class: 'field' }, [
          el('label', { for: 'f-seed', text: 'Seed' }),
          el('input', { id: 'f-seed', name: 'seed', type: 'number', step: '1', placeholder: 'random' }),
          el('div', { class: 'field-error', 'data-error-for': 'seed' }),
        ]), doSample].concat(fields)),
    ]));
  }

  function num(form, name) {
    const i = form.querySelector('[name="' + name + '"]');
    return i && !i.disabled && i.value.trim() !== '' ? Number(i.value) : undefined;
  }

  /** Mirrors the API's checks of the decoding overrides; returns [field, message] pairs. */
  function validateSampling(form) {
    const errors = [];
    const positive = n => { const v = num(form, n); if (v !== undefined && !(v > 0 && isFinite(v))) errors.push([n, n + ' must be a positive number.']); };
    const nonNeg = n => { const v = num(form, n); if (v !== undefined && !(Number.isInteger(v) && v >= 0)) errors.push([n, n + ' must be 0 (off) or a positive integer.']); };
    const prob = n => { const v = num(form, n); if (v !== undefined && !(v > 0 && v <= 1)) errors.push([n, n + ' must be in (0, 1].']); };
    positive('temperature'); positive('subtalker_temperature'); positive('repetition_penalty');
    nonNeg('top_k'); nonNeg('subtalker_top_k'); prob('top_p'); prob('subtalker_top_p');
    const mnt = num(form, 'max_new_tokens');
    if (mnt !== undefined && !(Number.isInteger(mnt) && mnt >= 1 && mnt <= MAX_NEW_TOKENS)) {
      errors.push(['max_new_tokens', 'max_new_tokens must be between 1 and ' + MAX_NEW_TOKENS + '.']);
    }
    const seedInput = form.querySelector('[name="seed"]');
    if (seedInput && seedInput.value.trim() !== '' && !/^-?\d{1,19}$/.test(seedInput.value.trim())) {
      errors.push(['seed', 'seed must be an integer.']);
    }
    return errors;
  }

  /** The common text checks: input required and bounded, instructions bounded. */
  function validateText(form, errors) {
    const input = form.querySelector('[name="input"]');
    if (input && !input.disabled) {
      if (!input.value.trim()) errors.push(['input', 'input is required.']);
      else if (input.value.length > MAX_TEXT) errors.push(['input', 'input is at most ' + MAX_TEXT + ' characters.']);
    }
    const instr = form.querySelector('[name="instructions"]');
    if (instr && !instr.disabled && instr.value.length > MAX_INSTRUCT) {
      errors.push(['instructions', 'instructions are at most ' + MAX_INSTRUCT + ' characters.']);
    }
    return errors;
  }

  /** Reads the form into a request object: text fields, the sampling overrides, the seed (exact, as text). */
  function formRequest(form, names) {
    const req = {};
    for (const n of names) {
      const i = form.querySelector('[name="' + n + '"]');
      if (!i || i.disabled) continue;
      if (i.type === 'checkbox') req[n] = i.checked;
      else if (i.value.trim() !== '') req[n] = i.value;
    }
    for (const [n] of SAMPLING) {
      const v = num(form, n);
      if (v !== undefined) req[n] = v;
    }
    const ds = form.querySelector('[name="do_sample"]');
    if (ds && ds.value) req.do_sample = ds.value === 'true';
    const seed = form.querySelector('[name="seed"]');
    // JSON numbers above 2^53 lose digits in JS; the API reads a numeric string exactly.
    if (seed && seed.value.trim() !== '') req.seed = Number.isSafeInteger(Number(seed.value)) ? Number(seed.value) : seed.value.trim();
    return req;
  }

  // ---- waveform -------------------------------------------------------------------------------

  /** A min/max waveform of the samples received so far, redrawn at most once per animation frame. */
  class Waveform {
    constructor(canvas) {
      this.canvas = canvas;
      this.chunks = [];
      this.total = 0;
      this.playhead = -1;
      this.pending = false;
    }
    reset() { this.chunks = []; this.total = 0; this.playhead = -1; this.draw(); }
    add(samples) { this.chunks.push(samples); this.total += samples.length; this.schedule(); }
    setPlayhead(fraction) { this.playhead = fraction; this.schedule(); }
    schedule() {
      if (this.pending) return;
      this.pending = true;
      requestAnimationFrame(() => { this.pending = false; this.draw(); });
    }
    draw() {
      const c = this.canvas;
      const w = c.width = c.clientWidth * (window.devicePixelRatio || 1) || 600;
      const h = c.height = c.clientHeight * (window.devicePixelRatio || 1) || 80;
      const g = c.getContext('2d');
      g.clearRect(0, 0, w, h);
      const style = getComputedStyle(c);
      g.fillStyle = style.getPropertyValue('--wave-bg') || '#eef';
      g.fillRect(0, 0, w, h);
      g.strokeStyle = style.color || '#336';
      g.beginPath();
      g.moveTo(0, h / 2); g.lineTo(w, h / 2);
      if (this.total > 0) {
        const per = this.total / w;
        let ci = 0, off = 0;
        for (let x = 0; x < w; x++) {
          let end = Math.floor((x + 1) * per), pos = Math.floor(x * per), lo = 0, hi = 0;
          while (pos < end && ci < this.chunks.length) {
            const ch = this.chunks[ci];
            const v = ch[pos - off];
            if (v < lo) lo = v; if (v > hi) hi = v;
            pos++;
            if (pos - off >= ch.length) { off += ch.length; ci++; }
          }
          g.moveTo(x + 0.5, h / 2 - hi * h / 2);
          g.lineTo(x + 0.5, h / 2 - lo * h / 2 + 1);
        }
      }
      g.stroke();
      if (this.playhead >= 0) {
        g.fillStyle = '#d33';
        g.fillRect(Math.floor(this.playhead * w), 0, 2, h);
      }
    }
  }

  // ---- streaming playback -------------------------------------------------------------------

  /** Plays PCM chunks back to back on one AudioContext: each starts exactly where the last ends. */
  class StreamPlayer {
    constructor() {
      this.ctx = null;
      this.next = 0;
      this.sources = [];
      // Where each chunk was scheduled ([start s, samples]) and how often playback ran dry: the
      // browser tests check that chunks butt-join (no gap, no overlap) unless generation fell behind.
      this.schedule = [];
      this.underruns = 0;
      try {
        // Created in the click handler (browsers allow sound only after a gesture); 24 kHz is the
        // models' rate, so chunks need no resampling and butt-join sample-exactly.
        this.ctx = new AudioContext({ sampleRate: 24000, latencyHint: 'playback' });
      } catch (e) {
        try { this.ctx = new AudioContext(); } catch (e2) { this.ctx = null; }
      }
    }
    play(samples, rate) {
      if (!this.ctx || !samples.length) return;
      const buf = this.ctx.createBuffer(1, samples.length, rate);
      buf.copyToChannel(samples, 0);
      const src = this.ctx.createBufferSource();
      src.buffer = buf;
      src.connect(this.ctx.destination);
      const now = this.ctx.currentTime;
      // Start with a small lead; after an underrun, restart with the same lead rather than overlap.
      if (this.next < now + 0.02) {
        if (this.schedule.length) this.underruns++;
        this.next = now + 0.15;
      }
      src.start(this.next);
      this.schedule.push([this.next, samples.length]);
      this.next += buf.duration;
      this.sources.push(src);
      src.onended = () => { this.sources = this.sources.filter(s => s !== src); };
    }
    stop() {
      this.sources.forEach(s => { try { s.stop(); } catch (e) { /* already ended */ } });
      this.sources = [];
      if (this.ctx) this.ctx.close().catch(() => {});
      this.ctx = null;
    }
    finish() {
      const ctx = this.ctx;
      if (!ctx) return;
      const left = Math.max(0, this.next - ctx.currentTime);
      setTimeout(() => ctx.close().catch(() => {}), left * 1000 + 500);
    }
  }

  function pcm16ToFloat(buffer) {
    const view = new DataView(buffer);
    const n = buffer.byteLength >> 1;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = view.getInt16(i * 2, true) / 32768;
    return out;
  }

  // ---- result panel -----------------------------------------------------------------------------

  /** The progress bar, cancel button, waveform, player, seed and download links of a task page. */
  class ResultPanel {
    constructor(container, form) {
      this.form = form;
      this.progressBar = el('progress', { max: '1', value: '0', class: 'progress-bar' });
      this.status = el('span', { class: 'status', 'aria-live': 'polite' });
      this.cancelButton = el('button', { type: 'button', class: 'secondary danger', hidden: true, text: 'Cancel' });
      this.canvas = el('canvas', { class: 'wave', width: '800', height: '96' });
      this.audio = el('audio', { controls: true, preload: 'auto', class: 'player' });
      this.meta = el('div', { class: 'meta' });
      this.downloads = el('div', { class: 'downloads' });
      this.rw = el('div', { class: 'banner warn', hidden: true, 'data-random-weights': true });
      this.root = el('section', { class: 'panel result', hidden: true }, [
        this.rw,
        el('div', { class: 'progress' }, [this.progressBar, this.status, this.cancelButton]),
        this.canvas, this.audio, this.meta, this.downloads]);
      container.replaceChildren(this.root);
      this.wave = new Waveform(this.canvas);
      this.audio.addEventListener('timeupdate', () => {
        if (this.audio.duration > 0) this.wave.setPlayhead(this.audio.currentTime / this.audio.duration);
      });
    }
    begin() {
      this.root.hidden = false;
      this.wave.reset();
      this.audio.removeAttribute('src');
      this.audio.load();
      this.meta.replaceChildren();
      this.downloads.replaceChildren();
      this.progressBar.removeAttribute('value');
      this.status.textContent = 'Submitting…';
      this.cancelButton.hidden = false;
      this.cancelButton.disabled = false;
      this.root.dataset.state = 'running';
    }
    progress(p) {
      if (p.state === 'queued' || (p.queue_position && p.queue_position > 0)) {
        this.progressBar.removeAttribute('value');
        this.status.textContent = 'Queued' + (p.queue_position ? ', position ' + p.queue_position : '') + '…';
      } else if (p.fraction !== undefined && p.fraction !== null) {
        this.progressBar.value = Math.min(1, p.fraction);
        this.status.textContent = 'Generating: ' + (p.frames || 0) + ' frames';
      } else {
        this.status.textContent = 'Generating…';
      }
    }
    randomWeights(model) {
      this.rw.textContent = 'Random weights: ' + model + ' produces noise, not speech. Install real weights for real voices.';
      this.rw.hidden = false;
    }
    /** Shows the finished output: player, metadata with a reusable seed, download links. */
    done(o) {
      this.root.dataset.state = 'done';
      this.cancelButton.hidden = true;
      this.progressBar.value = 1;
      this.status.textContent = 'Done: ' + Number(o.duration_seconds).toFixed(2) + ' s of audio'
        + (o.rtf ? ', RTF ' + Number(o.rtf).toFixed(2) : '') + (o.finish_reason ? ' (' + o.finish_reason + ')' : '');
      const audioUrl = url(o.audio_url || ('/api/v1/outputs/' + o.output_id + '/audio'));
      this.audio.src = audioUrl + '?format=wav';
      this.audio.dataset.outputId = o.output_id;
      const seedInput = this.form.querySelector('[name="seed"]');
      // replaceChildren would print a null child as the text "null".
      this.meta.replaceChildren(...[
        el('span', { text: 'Seed ' }), el('code', { class: 'seed', text: String(o.seed) }),
        seedInput ? el('button', { type: 'button', class: 'link', text: 'reuse', onclick: () => {
          seedInput.value = String(o.seed);
          const d = seedInput.closest('details'); if (d) d.open = true;
        } }) : null,
        el('span', { text: ' · model ' + o.model + ' · ' }),
        el('a', { href: '/outputs#' + o.output_id, text: 'in outputs' })].filter(Boolean));
      this.downloads.replaceChildren(el('span', { text: 'Download: ' }),
        ...FORMATS.map(f => el('a', { href: audioUrl + '?format=' + f, download: 'q3tts-' + o.output_id + '.' + f, class: 'dl', text: f })));
    }
    failed(message) {
      this.root.dataset.state = 'failed';
      this.cancelButton.hidden = true;
      this.progressBar.value = 0;
      this.status.textContent = message;
    }
  }

  // ---- the generic task page ------------------------------------------------------------------

  /**
   * Wires a task form: model picker, validation, WebSocket streaming with live playback, result panel.
   * opts: task (API task key), fields (form field names sent as-is), validate(form) -> [[field, msg]],
   * extend(form, request) -> Promise (adds e.g. ref_audio), onDone(endFrame).
   */
  function taskPage(form, opts) {
    const result = new ResultPanel(opts.result || document.querySelector('[data-result]'), form);
    const samplingBox = form.querySelector('[data-sampling]');
    if (samplingBox) sampling(samplingBox);
    const ready = bindModel(form, opts.modelTask || opts.task, opts.onModel);
    const button = form.querySelector('button[type="submit"]');
    let socket = null;
    let player = null;

    result.cancelButton.addEventListener('click', () => {
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: 'cancel' }));
        result.cancelButton.disabled = true;
        result.status.textContent = 'Cancelling…';
      }
    });

    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      clearErrors(form);
      const errors = validateText(form, []).concat(validateSampling(form), opts.validate ? opts.validate(form) : []);
      if (errors.length) {
        errors.forEach(([f, m]) => showError(form, f, m));
        return;
      }
      const req = Object.assign(formRequest(form, opts.fields), { task: opts.task, format: 'pcm' });
      player = new StreamPlayer();
      form.streamPlayer = player;
      form.streamChunks = [];
      button.disabled = true;
      result.begin();
      try {
        if (opts.extend) await opts.extend(form, req);
      } catch (e) {
        button.disabled = false;
        player.stop();
        result.failed(e.message);
        showError(form, e.field || '', e.message);
        return;
      }
      let rate = 24000;
      socket = new WebSocket(wsUrl('/api/v1/stream'));
      socket.binaryType = 'arraybuffer';
      const ws = socket;
      let finished = false;
      const end = () => { finished = true; button.disabled = false; ws.close(); };
      ws.onopen = () => ws.send(JSON.stringify(req));
      ws.onmessage = m => {
        if (typeof m.data !== 'string') {
          const samples = pcm16ToFloat(m.data);
          form.streamChunks.push(samples);
          result.wave.add(samples);
          player.play(samples, rate);
          return;
        }
        const f = JSON.parse(m.data);
        if (f.type === 'header') {
          rate = f.sample_rate;
          result.status.textContent = 'Admitted (' + f.model + ')';
          if (f.random_weights) result.randomWeights(f.model);
        } else if (f.type === 'progress') {
          result.progress(f);
        } else if (f.type === 'end') {
          player.finish();
          result.done(f);
          end();
          if (opts.onDone) opts.onDone(f);
        } else if (f.type === 'error') {
          player.stop();
          result.failed(f.errorType === 'CANCELLED' ? 'Cancelled.' : f.error);
          if (f.errorType !== 'CANCELLED') showError(form, f.field || '', f.error);
          end();
        }
      };
      ws.onerror = () => { if (!finished) { result.failed('The connection to the q3tts server at ' + serverName() + ' failed.'); player.stop(); end(); } };
      ws.onclose = () => { if (!finished) { result.failed('The server closed the connection.'); player.stop(); end(); } };
    });

    ready.then(() => rerun(form));
    return { result: result };
  }

  /** ?rerun=<output id>: fills the form with that output's settings (text, speaker, voice, sampling, seed). */
  async function rerun(form) {
    const id = new URLSearchParams(location.search).get('rerun');
    if (!id) return;
    try {
      const o = await api('GET', '/api/v1/outputs/' + encodeURIComponent(id));
      const set = (name, value) => {
        const i = form.querySelector('[name="' + name + '"]');
        if (!i || value === null || value === undefined) return;
        if (i.type === 'checkbox') i.checked = !!value; else i.value = String(value);
        i.dispatchEvent(new Event('change'));
      };
      set('model', o.model);
      set('input', o.text);
      set('language', o.language);
      set('voice', o.task === 'voice_clone' ? o.voice_id : o.speaker);
      set('instructions', o.instruct);
      const p = o.parameters || {};
      for (const [k, v] of Object.entries(p)) set(k, v);
      set('seed', o.seed);
      const d = form.querySelector('details.advanced');
      if (d) d.open = true;
    } catch (e) {
      showError(form, '', 'Cannot load output ' + id + ' to re-run: ' + e.message);
    }
  }

  // ---- audio capture --------------------------------------------------------------------------

  /** Encodes mono float samples as a 16-bit PCM WAV blob. */
  function wavBlob(samples, rate) {
    const buf = new ArrayBuffer(44 + samples.length * 2);
    const v = new DataView(buf);
    const str = (o, s) => { for (let i = 0; i < s.length; i++) v.setUint8(o + i, s.charCodeAt(i)); };
    str(0, 'RIFF'); v.setUint32(4, 36 + samples.length * 2, true); str(8, 'WAVE');
    str(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
    v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
    str(36, 'data'); v.setUint32(40, samples.length * 2, true);
    for (let i = 0; i < samples.length; i++) {
      const s = Math.max(-1, Math.min(1, samples[i]));
      v.setInt16(44 + i * 2, s < 0 ? s * 32768 : s * 32767, true);
    }
    return new Blob([buf], { type: 'audio/wav' });
  }

  /**
   * A clip source: a file upload or a recording made in the browser (MediaRecorder, converted to WAV
   * because the server decodes wav/flac/mp3/ogg but not the browser's webm). Call clip() for the Blob.
   * The container fires a bubbling 'q3:clip' event whenever a new clip is chosen or recorded.
   */
  function clipSource(container) {
    const name = container.dataset.recorder || 'audio';
    const file = el('input', { type: 'file', name: name, accept: 'audio/*,.wav,.flac,.mp3,.ogg' });
    const rec = el('button', { type: 'button', class: 'secondary', text: 'Record' });
    const preview = el('audio', { controls: true, hidden: true, class: 'clip-preview' });
    const info = el('span', { class: 'muted' });
    let recorded = null;
    let recorder = null;
    container.replaceChildren(el('div', { class: 'clip-row' }, [file, el('span', { class: 'muted', text: 'or' }), rec, info]), preview);
    file.addEventListener('change', () => {
      recorded = null;
      if (file.files[0]) {
        preview.src = URL.createObjectURL(file.files[0]); preview.hidden = false; info.textContent = '';
        container.dispatchEvent(new CustomEvent('q3:clip', { bubbles: true }));
      }
    });
    rec.addEventListener('click', async () => {
      if (recorder) { recorder.stop(); return; }
      // A second click while the browser still asks for the microphone must not start a second recorder.
      if (rec.dataset.starting) return;
      rec.dataset.starting = 'true';
      let stream;
      try {
        if (!navigator.mediaDevices || !window.MediaRecorder) throw new Error('this browser cannot record here (it needs https or localhost)');
        stream = await navigator.mediaDevices.getUserMedia({ audio: true });
        recorder = new MediaRecorder(stream);
      } catch (e) {
        if (stream) stream.getTracks().forEach(t => t.stop());
        info.textContent = 'No microphone: ' + e.message;
        return;
      } finally {
        delete rec.dataset.starting;
      }
      const parts = [];
      recorder.ondataavailable = e => parts.push(e.data);
      recorder.onstop = async () => {
        stream.getTracks().forEach(t => t.stop());
        recorder = null;
        rec.textContent = 'Record';
        try {
          const ctx = new AudioContext();
          const decoded = await ctx.decodeAudioData(await new Blob(parts).arrayBuffer());
          ctx.close();
          recorded = wavBlob(decoded.getChannelData(0), decoded.sampleRate);
          file.value = '';
          preview.src = URL.createObjectURL(recorded);
          preview.hidden = false;
          info.textContent = 'Recorded ' + decoded.duration.toFixed(1) + ' s';
          container.dispatchEvent(new CustomEvent('q3:clip', { bubbles: true }));
        } catch (e) {
          info.textContent = 'Cannot decode the recording: ' + e.message;
        }
      };
      recorder.start();
      rec.textContent = 'Stop';
      info.textContent = 'Recording…';
    });
    return {
      clip() { return recorded || (file.files[0] || null); },
      filename() { return recorded ? 'recording.wav' : (file.files[0] ? file.files[0].name : null); },
      clear() { recorded = null; file.value = ''; preview.hidden = true; info.textContent = ''; },
    };
  }

  function base64(blob) {
    return new Promise((resolve, reject) => {
      const r = new FileReader();
      r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
      r.onerror = () => reject(r.error);
      r.readAsDataURL(blob);
    });
  }

  /** Saves a clip as a voice (POST /api/v1/voices); fields: name, ref_text, language, description, x_vector_only_mode. */
  async function saveVoice(clip, filename, fields) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) {
      if (v !== undefined && v !== null && v !== '') fd.append(k, String(v));
    }
    fd.append('audio_sample', clip, filename || 'clip.wav');
    return api('POST', '/api/v1/voices', fd);
  }

  // ---- shell ------------------------------------------------------------------------------------

  async function shellHealth() {
    const foot = document.getElementById('q3-health');
    try {
      const h = await api('GET', '/api/v1/health');
      const q = h.queue || {};
      if (foot) {
        foot.textContent = h.status + ' · ' + (h.models_loaded || 0) + '/' + (h.models || 0) + ' models loaded · '
          + (q.gpu_running || 0) + ' running, ' + (q.gpu_queued || 0) + ' queued';
      }
      const banner = document.getElementById('q3-banner');
      // Task pages say it per selected model, next to the form.
      if (h.random_weights_only && banner && document.body.dataset.page !== 'task') {
        banner.textContent = 'Every installed model has random weights: the audio is noise, not speech. '
          + 'Install real model bundles (see the README) for real voices.';
        banner.dataset.global = 'true';
        banner.hidden = false;
      }
      return h;
    } catch (e) {
      if (foot) foot.textContent = 'server unreachable';
      offline(true);
      return null;
    }
  }

  // ---- pipeline jobs ----------------------------------------------------------------------------

  /** Decodes a WAV file's 16-bit PCM for the waveform (other encodings draw nothing). */
  async function wavSamples(resp) {
    const buf = await resp.arrayBuffer();
    const dv = new DataView(buf);
    if (buf.byteLength < 44 || dv.getUint32(0, false) !== 0x52494646) return new Float32Array(0);
    let off = 12, data = -1, len = 0;
    while (off + 8 <= buf.byteLength) {
      const id = dv.getUint32(off, false), size = dv.getUint32(off + 4, true);
      if (id === 0x64617461) { data = off + 8; len = Math.min(size, buf.byteLength - data); break; }
      off += 8 + size + (size & 1);
    }
    if (data < 0) return new Float32Array(0);
    const out = new Float32Array(len >> 1);
    for (let i = 0; i < out.length; i++) out[i] = dv.getInt16(data + 2 * i, true) / 32768;
    return out;
  }

  /**
   * A pipeline job on a page: submits it, follows its events (progress with stage text, cancel),
   * and shows the stored output: the main track with waveform and downloads, then every file of the
   * run (audio files get their own player). A failed run offers "Resume", which goes on from the
   * steps already finished.
   * opts: onDone(output) after the output is shown.
   */
  class PipelinePanel {
    constructor(container, opts) {
      this.opts = opts || {};
      this.result = new ResultPanel(el('div'), el('form'));
      this.resumeButton = el('button', { type: 'button', class: 'secondary', hidden: true, text: 'Resume' });
      this.files = el('div', { class: 'pipeline-files' });
      this.extra = el('div', { class: 'pipeline-extra' });
      this.result.root.querySelector('.progress').appendChild(this.resumeButton);
      this.root = el('div', { class: 'pipeline' }, [this.result.root, this.extra, this.files]);
      container.replaceChildren(this.root);
      this.result.cancelButton.addEventListener('click', () => this.cancel());
      this.resumeButton.addEventListener('click', () => this.resume());
    }
    /** Submits to a plugin's job route (body: JSON object or FormData); resolves when the job ends. */
    async submit(path, body) {
      this.result.begin();
      this.files.replaceChildren();
      this.extra.replaceChildren();
      this.resumeButton.hidden = true;
      const job = await api('POST', path, body);
      return this.follow(job.job_id);
    }
    follow(jobId) {
      this.jobId = jobId;
      this.result.root.dataset.jobId = jobId;
      this.result.cancelButton.hidden = false;
      return new Promise(resolve => {
        const source = new EventSource(url('/api/v1/jobs/' + encodeURIComponent(jobId) + '/events'));
        this.source = source;
        const onProgress = p => {
          if (p.state === 'queued') { this.result.progress(p); return; }
          if (p.fraction !== undefined) this.result.progressBar.value = Math.min(1, p.fraction);
          const steps = p.steps ? (p.steps_done + ' of ' + p.steps + ' done') : '';
          this.result.status.textContent = [p.stage, steps].filter(Boolean).join(' · ') || 'Working…';
        };
        source.addEventListener('progress', ev => onProgress(JSON.parse(ev.data)));
        source.addEventListener('state', async ev => {
          const job = JSON.parse(ev.data);
          if (job.random_weights) this.result.randomWeights(job.model);
          if (job.state === 'queued') { onProgress({ state: 'queued', queue_position: job.progress.queue_position }); return; }
          if (job.state === 'running') { onProgress(job.progress); return; }
          source.close();
          if (job.state === 'done') {
            const o = await api('GET', '/api/v1/outputs/' + encodeURIComponent(job.result.output_id));
            await this.show(o);
          } else {
            this.result.failed((job.state === 'cancelled' ? 'Cancelled: ' : 'Failed: ') + (job.error ? job.error.error : ''));
            this.resumeButton.hidden = job.state !== 'failed';
          }
          resolve(job);
        });
        source.onerror = () => {
          if (source.readyState === EventSource.CLOSED) resolve(null);
        };
      });
    }
    async cancel() {
      if (!this.jobId) return;
      this.result.cancelButton.disabled = true;
      try { await api('DELETE', '/api/v1/jobs/' + encodeURIComponent(this.jobId)); } catch (e) { this.result.status.textContent = e.message; }
    }
    async resume() {
      this.resumeButton.hidden = true;
      try {
        const job = await api('POST', '/api/v1/jobs/' + encodeURIComponent(this.jobId) + '/resume');
        this.result.begin();
        return this.follow(job.id);
      } catch (e) { this.result.failed(e.message); return null; }
    }
    /** Shows a stored pipeline output: main track, then its files. */
    async show(o) {
      this.result.done(Object.assign({ output_id: o.id }, o));
      this.result.root.dataset.outputId = o.id;
      fetch(url(o.audio_url) + '?format=wav').then(wavSamples).then(s => { this.result.wave.reset(); this.result.wave.add(s); })
        .catch(() => {});
      const rows = (o.files || []).map(f => {
        const isAudio = /\.(wav|flac|mp3|ogg|opus)$/i.test(f.path);
        return el('li', { class: 'pipeline-file', 'data-path': f.path }, [
          el('a', { href: url(f.url), download: f.path.replace(/\//g, '_'), text: f.path }),
          isAudio ? el('audio', { controls: true, preload: 'none', src: url(f.url), class: 'player small' }) : null]);
      });
      this.files.replaceChildren(rows.length ? el('h3', { text: 'Files (' + rows.length + ')' }) : '', el('ul', {}, rows));
      if (this.opts.onDone) await this.opts.onDone(o, this);
    }
    /** Fetches a JSON file of the shown output (e.g. the manifest or report). */
    async json(o, path) {
      const f = (o.files || []).find(x => x.path === path);
      if (!f) return null;
      const r = await fetch(url(f.url));
      return r.ok ? r.json() : null;
    }
  }

  window.Q3 = {
    api, url, wsUrl, apiBase: API_BASE, remote: API_BASE !== '', serverName, ApiError, el, clearErrors, showError, models, bindModel, sampling, validateSampling, validateText,
    formRequest, taskPage, ResultPanel, StreamPlayer, Waveform, clipSource, base64, saveVoice, wavBlob,
    shellHealth, MAX_TEXT, MAX_INSTRUCT, PipelinePanel,
  };
})();
