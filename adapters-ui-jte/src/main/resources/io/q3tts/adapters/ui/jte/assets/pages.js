/*
 * The core pages (home, outputs, voices, models): everything is read and changed through the REST
 * API (Q3.api; audio and download URLs through Q3.url, so remote mode works). Dispatches on
 * <body data-page>.
 */
(function () {
  'use strict';
  const { api, el, clearErrors, showError } = window.Q3;

  const TASK_PAGES = {
    custom_voice: '/tasks/custom-voice',
    voice_design: '/tasks/voice-design',
    voice_clone: '/tasks/voice-clone',
    design_then_clone: '/tasks/design-then-clone',
  };

  const when = iso => (iso ? new Date(iso).toLocaleString() : '');
  const seconds = s => (s === null || s === undefined ? '' : Number(s).toFixed(2) + ' s');
  /** Bytes as people read them (binary units, as memory is sized). */
  const bytes = n => {
    const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
    let v = Number(n) || 0, i = 0;
    while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
    return (i === 0 ? String(v) : v.toFixed(v < 10 ? 2 : 1)) + ' ' + units[i];
  };

  function failure(list, e) {
    list.replaceChildren(el('div', { class: 'banner error', role: 'alert', text: e.message }));
  }

  // ---- home -------------------------------------------------------------------------------------

  async function home(health) {
    const dl = document.getElementById('home-status');
    if (!dl) return;
    const h = health || {};
    const q = h.queue || {};
    const rows = [['Status', h.status || 'unreachable'], ['Models', (h.models_loaded || 0) + ' loaded of ' + (h.models || 0)],
      ['Generation queue', (q.gpu_running || 0) + ' running, ' + (q.gpu_queued || 0) + ' queued (capacity ' + (q.gpu_queue_capacity || 0) + ')'],
      ['Random weights only', h.random_weights_only ? 'yes' : 'no']];
    dl.replaceChildren(...rows.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]));
  }

  // ---- jobs on the home page ----------------------------------------------------------------------

  /**
   * Current work, one entry per job a person started: queued and running jobs, and pipelines that
   * failed or were cancelled (a pipeline's steps are jobs too, but they are shown as its progress,
   * not as entries of their own). Each entry links to its page (a pipeline's opens with its request);
   * a finished one can be dismissed, resumed when that can succeed, or edited and retried.
   * Refreshed every two seconds: a long pipeline keeps working when its page is closed, and this is
   * where it is found.
   */
  async function jobs() {
    const list = document.getElementById('home-jobs');
    const empty = document.getElementById('home-jobs-empty');
    if (!list) return;
    async function refresh() {
      let items;
      try {
        const active = (await api('GET', '/api/v1/jobs?state=queued,running&limit=100')).jobs || [];
        const ended = ((await api('GET', '/api/v1/jobs?state=failed,cancelled&limit=50')).jobs || []).filter(j => j.kind === 'pipeline');
        items = active.concat(ended).filter(j => !j.parent_job_id);
      } catch (e) {
        failure(list, e);
        return;
      }
      empty.hidden = items.length > 0;
      list.replaceChildren(...items.map(jobItem));
    }
    function pageOf(j) {
      if (j.kind === 'pipeline') return '/tasks/' + j.pipeline + '?job=' + encodeURIComponent(j.id);
      return TASK_PAGES[j.kind] || null;
    }
    function jobItem(j) {
      const p = j.progress || {};
      const what = j.kind === 'pipeline' ? j.pipeline.replace(/-/g, ' ') : j.kind.replace(/_/g, ' ');
      const status = j.state === 'queued' ? 'waiting' + (p.queue_position > 1 ? ' (' + (p.queue_position - 1) + ' ahead)' : '')
        : j.state === 'failed' ? 'failed: ' + Q3.human(j.error ? j.error.error : '')
        : j.state === 'cancelled' ? 'cancelled'
        : [p.stage, p.steps ? p.steps_done + ' of ' + p.steps + ' done' : (p.frames ? Q3.clock(p.frames / 12.5) + ' of audio' : ''),
          j.worker ? 'on worker ' + j.worker : ''].filter(Boolean).join(' · ') || 'running';
      const bar = el('progress', { class: 'progress-bar', max: '1', 'aria-label': 'Progress of ' + what });
      if (j.state === 'running') bar.value = p.fraction || 0;
      if (j.state === 'failed' || j.state === 'cancelled') bar.value = p.steps ? p.steps_done / p.steps : 0;
      const act = async (method, path, button) => {
        button.disabled = true;
        try { await api(method, path); } catch (e) { alert(Q3.human(e.message)); }
        refresh();
      };
      const id = encodeURIComponent(j.id);
      const page = pageOf(j);
      const ended = j.state === 'failed' || j.state === 'cancelled';
      const actions = [];
      if (!ended) {
        if (page) actions.push(el('a', { class: 'button secondary job-open', href: page, text: 'Open' }));
        actions.push(el('button', { type: 'button', class: 'secondary danger job-cancel', text: 'Cancel', onclick: ev => act('DELETE', '/api/v1/jobs/' + id, ev.target) }));
      } else {
        if (Q3.resumable(j)) {
          actions.push(el('button', { type: 'button', class: 'secondary job-resume', text: 'Resume', onclick: ev => act('POST', '/api/v1/jobs/' + id + '/resume', ev.target) }));
        }
        if (page) actions.push(el('a', { class: 'button secondary job-edit', href: page, text: 'Edit and retry' }));
        actions.push(el('button', { type: 'button', class: 'secondary job-dismiss', text: 'Dismiss', onclick: ev => act('POST', '/api/v1/jobs/' + id + '/dismiss', ev.target) }));
      }
      return el('article', { class: 'item', 'data-job-id': j.id, 'data-state': j.state, 'data-kind': j.kind }, [
        el('div', { class: 'item-head' }, [
          page ? el('a', { class: 'tag', href: page, text: what }) : el('span', { class: 'tag', text: what }),
          j.random_weights ? el('span', { class: 'tag warn', text: 'random weights' }) : null,
          el('span', { class: 'muted item-text', text: j.summary }),
        ]),
        el('div', { class: 'progress' }, [bar, el('span', { class: 'status', text: status })]),
        el('div', { class: 'item-actions' }, actions),
      ]);
    }
    await refresh();
    setInterval(refresh, 2000);
  }

  // ---- outputs ----------------------------------------------------------------------------------

  async function outputs() {
    const form = document.getElementById('output-filters');
    const list = document.getElementById('output-list');
    const count = document.getElementById('output-count');
    const modelSelect = form.querySelector('[name="model"]');
    const voiceSelect = form.querySelector('[name="voice"]');
    try {
      const models = await Q3.models();
      models.forEach(m => modelSelect.append(el('option', { value: m.id, text: m.display_name })));
    } catch (e) { /* the list below reports the API being down */ }
    try {
      const vs = (await api('GET', '/api/v1/voices')).voices || [];
      vs.forEach(v => voiceSelect.append(el('option', { value: v.id, text: v.name })));
    } catch (e) { /* as above */ }

    /** Every filter goes to the server, so the page shows the newest matches, not a filtered first page. */
    async function load() {
      const params = new URLSearchParams({ limit: '200' });
      for (const name of ['task', 'pipeline', 'voice', 'model']) {
        if (form[name].value) params.set(name, form[name].value);
      }
      // The date inputs are local days; the API takes instants.
      if (form.from.value) params.set('since', new Date(form.from.value + 'T00:00:00').toISOString());
      if (form.to.value) {
        const end = new Date(form.to.value + 'T00:00:00');
        end.setDate(end.getDate() + 1);
        params.set('until', end.toISOString());
      }
      let items;
      try {
        items = (await api('GET', '/api/v1/outputs?' + params)).outputs || [];
      } catch (e) {
        failure(list, e);
        return;
      }
      count.textContent = items.length + (items.length === 1 ? ' output' : ' outputs');
      list.replaceChildren(...items.map(outputItem));
      if (!items.length) list.append(el('p', { class: 'muted', text: 'No outputs match. Generate something on a task page.' }));
      if (location.hash) {
        const target = document.getElementById('output-' + location.hash.slice(1));
        if (target) { target.classList.add('highlight'); target.scrollIntoView({ block: 'center' }); }
      }
    }

    /** Cluster mode: the worker that made a single output, or the workers that spoke a pipeline's steps. */
    function workerWords(o) {
      const p = o.parameters || {};
      return p.worker ? ' · worker ' + p.worker : p.workers ? ' · workers ' + p.workers : '';
    }

    function outputItem(o) {
      const who = o.speaker ? 'speaker ' + o.speaker : o.voice_id ? 'voice ' + o.voice_id : o.instruct ? 'designed voice' : '';
      const rerun = o.pipeline ? null : TASK_PAGES[o.task];
      const files = o.files || [];
      const item = el('article', { class: 'item', id: 'output-' + o.id, 'data-output-id': o.id }, [
        el('div', { class: 'item-head' }, [
          o.pipeline ? el('span', { class: 'tag', text: o.pipeline.replace(/-/g, ' ') }) : null,
          el('span', { class: 'tag', text: o.task.replace(/_/g, ' ') }),
          o.random_weights ? el('span', { class: 'tag warn', text: 'random weights' }) : null,
          el('span', { class: 'muted', text: when(o.created_at) + ' · ' + o.model + (who ? ' · ' + who : '') + workerWords(o) }),
        ]),
        el('p', { class: 'item-text', text: o.text || '' }),
        el('audio', { controls: true, preload: 'none', src: Q3.url(o.audio_url + '?format=wav'), 'aria-label': 'Play output ' + o.id }),
        el('div', { class: 'item-actions' }, [
          el('span', { class: 'muted', text: Q3.clock(o.duration_seconds) + ' · seed ' + o.seed
            + (o.rtf ? ' · generated ' + (o.rtf <= 1 ? (1 / o.rtf).toFixed(1) + '× faster than real time' : Number(o.rtf).toFixed(1) + '× slower than real time') : '') }),
          rerun ? el('a', { class: 'button secondary', href: rerun + '?rerun=' + encodeURIComponent(o.id), text: 'Re-run' }) : null,
          o.pipeline ? el('a', { class: 'button secondary', href: '/tasks/' + o.pipeline, text: 'Open ' + o.pipeline.replace(/-/g, ' ') }) : null,
          o.pipeline ? el('a', { class: 'button secondary', href: Q3.url('/api/v1/outputs/' + encodeURIComponent(o.id) + '/zip'), download: 'q3tts-' + o.pipeline + '-' + o.id + '.zip', text: 'Zip' }) : null,
          el('a', { class: 'button secondary', href: Q3.url(o.audio_url + '?format=wav'), download: 'q3tts-' + o.id + '.wav', text: 'Download' }),
          el('button', { type: 'button', class: 'secondary danger', text: 'Delete', onclick: async ev => {
            if (!confirm('Delete this output?')) return;
            ev.target.disabled = true;
            try {
              await api('DELETE', '/api/v1/outputs/' + encodeURIComponent(o.id));
              item.remove();
            } catch (e) { ev.target.disabled = false; alert(e.message); }
          } }),
        ]),
        files.length ? el('details', { class: 'output-files' }, [el('summary', { text: 'Files (' + files.length + ')' }),
          el('ul', {}, files.map(f => el('li', {}, [
            el('a', { href: Q3.url(f.url), download: f.path.replace(/\//g, '_'), text: f.path }),
            /\.(wav|flac|mp3|ogg|opus)$/i.test(f.path)
              ? el('audio', { controls: true, preload: 'none', src: Q3.url(f.url), class: 'player small' }) : null])))]) : null,
        el('details', {}, [el('summary', { text: 'Metadata' }), el('pre', { text: JSON.stringify(o, null, 2) })]),
      ]);
      return item;
    }

    form.addEventListener('change', load);
    document.getElementById('output-refresh').addEventListener('click', load);
    await load();
  }

  // ---- voices -----------------------------------------------------------------------------------

  /** Every page that can speak with a saved voice, and how it takes one. */
  const VOICE_USES = [
    ['Voice clone', '/tasks/voice-clone?voice=', id => id],
    ['Narration', '/tasks/narration?voice=', id => 'saved:' + id],
    ['Subtitles', '/tasks/subtitles?voice=', id => 'saved:' + id],
    ['Table read (narrator)', '/tasks/script-read?narrator=', id => 'saved:' + id],
    ['NPC pack', '/tasks/npc-pack?voice=', id => 'saved:' + id],
  ];

  /** "Use": a menu of the pages that exist on this server, each opened with the voice chosen. */
  function useMenu(v) {
    const here = new Set([...document.querySelectorAll('.nav a')].map(a => a.getAttribute('href')));
    const uses = VOICE_USES.filter(([, href]) => here.has(href.split('?')[0]));
    return el('details', { class: 'use-menu' }, [
      el('summary', { class: 'button secondary', text: 'Use', 'aria-label': 'Use the voice ' + v.name + ' in…' }),
      el('ul', {}, uses.map(([label, href, value]) => el('li', {}, [
        el('a', { href: href + encodeURIComponent(value(v.id)), text: label })]))),
    ]);
  }

  async function voices() {
    const list = document.getElementById('voice-list');
    const form = document.getElementById('voice-create');
    const clip = Q3.clipSource(form.querySelector('[data-recorder]'));
    Q3.languageSelect(form.querySelector('[name="language"]'), 'voice_clone');

    async function load() {
      let items;
      try {
        items = (await api('GET', '/api/v1/voices')).voices || [];
      } catch (e) {
        failure(list, e);
        return;
      }
      list.replaceChildren(...items.map(voiceItem));
      if (!items.length) list.append(el('p', { class: 'muted', text: 'No saved voices yet.' }));
    }

    function voiceItem(v) {
      const name = el('strong', { class: 'voice-name', text: v.name });
      const item = el('article', { class: 'item', 'data-voice-id': v.id }, [
        el('div', { class: 'item-head' }, [name, el('span', { class: 'tag', text: v.origin }),
          el('span', { class: 'muted', text: (v.language || 'auto') + ' · ' + seconds(v.clip_seconds) + ' · ' + v.id })]),
        v.description ? el('p', { class: 'item-text', text: v.description }) : null,
        v.ref_text ? el('p', { class: 'muted', text: '“' + v.ref_text + '”' }) : null,
        el('audio', { controls: true, preload: 'none', src: Q3.url(v.clip_url + '?format=wav'), 'aria-label': 'Play the voice ' + v.name }),
        el('div', { class: 'item-actions' }, [
          useMenu(v),
          el('button', { type: 'button', class: 'secondary', text: 'Rename', onclick: async () => {
            const next = prompt('New name', v.name);
            if (!next || next === v.name) return;
            try {
              const updated = await api('PATCH', '/api/v1/voices/' + encodeURIComponent(v.id), { name: next });
              v.name = updated.name;
              name.textContent = updated.name;
            } catch (e) { alert(e.message); }
          } }),
          el('button', { type: 'button', class: 'secondary danger', text: 'Delete', onclick: async ev => {
            if (!confirm('Delete the voice ' + v.name + '?')) return;
            ev.target.disabled = true;
            try {
              await api('DELETE', '/api/v1/voices/' + encodeURIComponent(v.id));
              item.remove();
            } catch (e) { ev.target.disabled = false; alert(e.message); }
          } }),
        ]),
      ]);
      return item;
    }

    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      clearErrors(form);
      const blob = clip.clip();
      const xv = form.x_vector_only_mode.checked;
      const errors = [];
      if (!form.name.value.trim()) errors.push(['name', 'Give the voice a name.']);
      if (!blob) errors.push(['audio_sample', 'Choose or record a reference clip of 1 to 60 seconds.']);
      if (!xv && !form.ref_text.value.trim()) {
        errors.push(['ref_text', 'Type what is said in the clip, or tick “Speaker embedding only”.']);
      }
      if (errors.length) { Q3.showErrors(form, errors); return; }
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      try {
        await Q3.saveVoice(blob, clip.filename(), {
          name: form.name.value.trim(), ref_text: form.ref_text.value.trim(), x_vector_only_mode: xv,
          language: form.language.value.trim(), description: form.description.value.trim(),
        });
        form.reset();
        clip.clear();
        await load();
      } catch (e) {
        Q3.showErrors(form, [[e.field || '', e.message]]);
      } finally {
        button.disabled = false;
      }
    });
    await load();
  }

  // ---- models -----------------------------------------------------------------------------------

  async function models() {
    const list = document.getElementById('model-list');

    async function load() {
      let items;
      try {
        items = (await api('GET', '/api/v1/models')).models || [];
      } catch (e) {
        failure(list, e);
        return;
      }
      list.replaceChildren(...items.map(modelItem));
      if (!items.length) list.append(el('p', { class: 'muted', text: 'No model bundles installed.' }));
    }

    /** Estimates from file sizes: a resident model opens its parts on first use, so its share grows towards the full size. */
    function memory(m) {
      const size = m.size_bytes ? 'approx. ' + bytes(m.size_bytes) : 'unknown';
      if (m.residency === 'available') return 'not loaded; needs ' + size + ' when loaded';
      return 'approx. ' + bytes(m.memory_bytes || 0) + ' in use' + (m.size_bytes ? ' (of ' + bytes(m.size_bytes) + ' fully loaded)' : '');
    }

    function modelItem(m) {
      const loaded = m.residency === 'loaded';
      const action = el('button', { type: 'button', class: 'secondary', text: loaded ? 'Unload' : 'Load', onclick: async () => {
        action.disabled = true;
        action.textContent = loaded ? 'Unloading…' : 'Loading…';
        try {
          await api('POST', '/api/v1/models/' + encodeURIComponent(m.id) + (loaded ? '/unload' : '/load'));
        } catch (e) { alert(e.message); }
        await load();
      } });
      return el('article', { class: 'item', 'data-model-id': m.id, 'data-residency': m.residency }, [
        el('div', { class: 'item-head' }, [el('strong', { text: m.display_name }),
          el('span', { class: 'tag ' + (loaded ? 'ok' : ''), text: m.residency }),
          m.random_weights ? el('span', { class: 'tag warn', text: 'random weights' }) : null,
          el('span', { class: 'muted', text: m.id })]),
        el('dl', { class: 'kv' }, [
          el('dt', { text: 'Tasks' }), el('dd', { text: (m.tasks || []).join(', ').replace(/_/g, ' ') }),
          el('dt', { text: 'Size, precision' }), el('dd', { text: [m.size, m.precision].filter(Boolean).join(', ') }),
          el('dt', { text: 'Sample rate' }), el('dd', { text: m.sample_rate ? m.sample_rate + ' Hz' : '' }),
          m.speakers && m.speakers.length ? el('dt', { text: 'Speakers' }) : null,
          m.speakers && m.speakers.length ? el('dd', { text: m.speakers.join(', ') }) : null,
          m.languages && m.languages.length ? el('dt', { text: 'Languages' }) : null,
          m.languages && m.languages.length ? el('dd', { text: m.languages.join(', ') }) : null,
          el('dt', { text: 'Memory' }), el('dd', { class: 'memory', text: memory(m) }),
          el('dt', { text: 'In flight' }), el('dd', { text: String(m.in_flight || 0) }),
          el('dt', { text: 'Last used' }), el('dd', { text: when(m.last_used_at) || 'never' }),
        ]),
        el('div', { class: 'item-actions' }, [action]),
      ]);
    }
    await load();
  }

  // ---- use from other apps ----------------------------------------------------------------------

  async function connect() {
    const base = Q3.baseUrl() + '/v1';
    const set = (id, text) => { const e = document.getElementById(id); if (e) e.textContent = text; };
    set('connect-base', base);
    set('connect-speech', base + '/audio/speech');
    document.querySelectorAll('.connect-base-copy').forEach(e => { e.textContent = base; });
    document.querySelectorAll('.connect-speech-copy').forEach(e => { e.textContent = base + '/audio/speech'; });
    document.getElementById('connect-openapi').href = Q3.url('/api/v1/openapi.json');
    document.querySelectorAll('[data-copy]').forEach(b => b.addEventListener('click', async () => {
      try { await navigator.clipboard.writeText(document.getElementById(b.dataset.copy).textContent); b.textContent = 'copied'; } catch (e) { b.textContent = 'select and copy'; }
    }));
    // With keys, the examples read the key from the environment: the page never shows a key.
    await Q3.health().catch(() => null);
    const keys = Q3.keysRequired(), variable = Q3.KEY_VARIABLE;
    if (keys) {
      set('connect-key', 'One of the keys this server was started with (auth.api_keys). ' + Q3.keyWords().replace(/^This server needs an API key\. /, '')
        + ' In Open WebUI and SillyTavern, paste the key itself.');
      document.querySelectorAll('.connect-key-copy').forEach(e => { e.textContent = 'your API key'; });
    }
    let voice = 'ryan', model = 'tts-1';
    try {
      const v = await api('GET', '/v1/audio/voices');
      const presets = v.voices || [];
      const saved = (v.uploaded_voices || []).map(x => typeof x === 'string' ? x : (x.id || x.name));
      if (presets.length) voice = presets[0];
      else if (saved.length) voice = saved[0];
      document.getElementById('connect-voices').replaceChildren(
        el('span', { text: presets.length ? 'Preset: ' + presets.join(', ') : 'No preset speakers installed.' }), el('br'),
        el('span', { text: saved.length ? 'Saved: ' + saved.join(', ') : 'No saved voices yet.' }));
    } catch (e) { set('connect-voices', Q3.human(e.message)); }
    try {
      const m = await api('GET', '/v1/models');
      const ids = (m.data || []).map(x => x.id);
      set('connect-models', ['tts-1 (the server picks)'].concat(ids).join(', '));
    } catch (e) { set('connect-models', Q3.human(e.message)); }
    document.querySelectorAll('.connect-voice-copy').forEach(e => { e.textContent = voice; });
    document.querySelectorAll('.connect-model-copy').forEach(e => { e.textContent = model; });
    set('connect-curl', "curl -sS -f " + base + "/audio/speech \\\n" + (keys ? '  -H "Authorization: Bearer $' + variable + '" \\\n' : '')
      + "  -H 'Content-Type: application/json' \\\n  -d '"
      + JSON.stringify({ model: model, input: 'Hello from q3tts.', voice: voice, response_format: 'wav' }) + "' \\\n  -o speech.wav");
    set('connect-python', (keys ? 'import os\n\n' : '') + 'from openai import OpenAI\n\nclient = OpenAI(base_url="' + base + '", api_key='
      + (keys ? 'os.environ["' + variable + '"]' : '"none"') + ')\n'
      + 'with client.audio.speech.with_streaming_response.create(\n    model="' + model + '", voice="' + voice
      + '", input="Hello from q3tts.", response_format="wav",\n) as r:\n    r.stream_to_file("speech.wav")\n');
    set('connect-js', 'import OpenAI from "openai";\n\nconst client = new OpenAI({ baseURL: "' + base + '", apiKey: '
      + (keys ? 'process.env.' + variable : '"none"') + ' });\n'
      + 'const speech = await client.audio.speech.create({ model: "' + model + '", voice: "' + voice
      + '", input: "Hello from q3tts.", response_format: "wav" });\nconst audio = Buffer.from(await speech.arrayBuffer());\n');
  }

  const page = document.body.dataset.page;
  Q3.shellHealth().then(h => { if (page === 'home') home(h); });
  if (page === 'home') jobs();
  if (page === 'outputs') outputs();
  if (page === 'voices') voices();
  if (page === 'models') models();
  if (page === 'connect') connect();
})();
