// The notes page: talks to /api/notes and /api/node of the node that serves it. Notes written on other nodes appear
// as soon as they are replicated here: the node pushes a "note-changed" Server-Sent Event (/api/notes/events) for
// each, and the page reloads the list. The replication status refreshes every two seconds. Text is always inserted
// with textContent, never as HTML.
"use strict";

const STATUS_REFRESH_MS = 2000;

const form = document.getElementById("note-form");
const idField = document.getElementById("note-id");
const titleField = document.getElementById("note-title");
const bodyField = document.getElementById("note-body");
const saveButton = document.getElementById("note-save");
const cancelButton = document.getElementById("note-cancel");
const formHeading = document.getElementById("form-heading");
const message = document.getElementById("message");
const list = document.getElementById("notes");
const live = document.getElementById("live");

let nodeId = null;

async function api(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    let detail = response.status + " " + response.statusText;
    try {
      const payload = await response.json();
      if (payload && payload.error) {
        detail = payload.error;
      }
    } catch (ignored) {
      // Not JSON: keep the status line.
    }
    throw new Error(detail);
  }
  return response.status === 204 ? null : response.json();
}

function say(text, isError) {
  message.textContent = text;
  message.classList.toggle("error", Boolean(isError));
}

function stateClass(state) {
  if (state === "RUNNING") {
    return "state-ok";
  }
  return state === "PAUSED_SCHEMA_MISMATCH" || state === "PAUSED_MANUALLY" || state === "DISCONNECTED"
    ? "state-warn" : "state-bad";
}

function renderNode(node) {
  nodeId = node.nodeId;
  document.title = "HarmonyLite notes – node " + node.nodeId;
  document.getElementById("served-by").textContent =
    "Served by node " + node.nodeId + " (" + location.host + "), HarmonyLite " + node.version;
  const state = document.getElementById("node-state");
  state.textContent = node.state;
  state.className = stateClass(node.state);
  const nats = document.getElementById("node-nats");
  nats.textContent = node.natsConnected ? "connected" : "disconnected";
  nats.className = node.natsConnected ? "state-ok" : "state-warn";
  document.getElementById("node-pending").textContent = String(node.pendingChanges);
  document.getElementById("node-schema").textContent = node.schemaHash ? node.schemaHash + "…" : "–";
  const rows = document.querySelector("#shards tbody");
  rows.replaceChildren(...node.shards.map((shard) => {
    const row = document.createElement("tr");
    for (const value of [shard.shard, shard.appliedSequence, shard.lag < 0 ? "unknown" : shard.lag,
      shard.pausedManually ? "yes (by an operator)" : shard.paused ? "yes (schema mismatch)" : "no"]) {
      const cell = document.createElement("td");
      cell.textContent = String(value);
      row.append(cell);
    }
    return row;
  }));
}

function renderNotes(notes) {
  document.getElementById("notes-count").textContent = "(" + notes.length + ")";
  document.getElementById("notes-empty").hidden = notes.length > 0;
  list.replaceChildren(...notes.map((note) => {
    const item = document.createElement("li");
    item.dataset.noteId = note.id;
    const title = document.createElement("h3");
    title.className = "title";
    title.textContent = note.title;
    const body = document.createElement("p");
    body.className = "body";
    body.textContent = note.body;
    const meta = document.createElement("p");
    meta.className = "meta";
    meta.textContent = "Last written " + new Date(note.updatedAt).toLocaleString() + " on node " + note.updatedBy;
    const buttons = document.createElement("div");
    buttons.className = "buttons";
    const edit = document.createElement("button");
    edit.type = "button";
    edit.className = "edit";
    edit.textContent = "Edit";
    edit.setAttribute("aria-label", "Edit note " + note.title);
    edit.addEventListener("click", () => startEditing(note));
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "delete";
    remove.textContent = "Delete";
    remove.setAttribute("aria-label", "Delete note " + note.title);
    remove.addEventListener("click", () => deleteNote(note));
    buttons.append(edit, remove);
    item.append(title, body, meta, buttons);
    return item;
  }));
}

async function refreshNode() {
  try {
    renderNode(await api("GET", "/api/node"));
  } catch (error) {
    document.getElementById("served-by").textContent = "This node does not answer: " + error.message;
  }
}

async function refreshNotes() {
  try {
    renderNotes(await api("GET", "/api/notes"));
  } catch (error) {
    say("Could not load the notes: " + error.message, true);
  }
}

async function refresh() {
  await Promise.all([refreshNode(), refreshNotes()]);
}

function showLive(text, className) {
  live.textContent = text;
  live.className = className;
}

// The browser reconnects by itself after an error; every (re)connection reloads the list, so that nothing written
// while the stream was down is missed.
function listenForReplicatedNotes() {
  const events = new EventSource("/api/notes/events");
  events.addEventListener("open", () => {
    showLive("connected", "state-ok");
    refreshNotes();
  });
  events.addEventListener("note-changed", (event) => {
    const change = JSON.parse(event.data);
    showLive("connected; last change from node " + change.originNodeId, "state-ok");
    refreshNotes();
  });
  events.addEventListener("error", () => showLive("reconnecting…", "state-warn"));
}

function startEditing(note) {
  idField.value = note.id;
  titleField.value = note.title;
  bodyField.value = note.body;
  formHeading.textContent = "Edit note";
  saveButton.textContent = "Save changes";
  cancelButton.hidden = false;
  titleField.focus();
}

function stopEditing() {
  form.reset();
  idField.value = "";
  formHeading.textContent = "Add a note";
  saveButton.textContent = "Add note";
  cancelButton.hidden = true;
}

async function deleteNote(note) {
  try {
    await api("DELETE", "/api/notes/" + encodeURIComponent(note.id));
    if (idField.value === note.id) {
      stopEditing();
    }
    say("Deleted “" + note.title + "”.");
    await refresh();
  } catch (error) {
    say("Could not delete the note: " + error.message, true);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const note = { title: titleField.value, body: bodyField.value };
  if (!note.title.trim()) {
    say("A note needs a title.", true);
    titleField.focus();
    return;
  }
  try {
    if (idField.value) {
      await api("PUT", "/api/notes/" + encodeURIComponent(idField.value), note);
      say("Saved “" + note.title.trim() + "” on node " + nodeId + ".");
    } else {
      await api("POST", "/api/notes", note);
      say("Added “" + note.title.trim() + "” on node " + nodeId + ".");
    }
    stopEditing();
    await refresh();
  } catch (error) {
    say("Could not save the note: " + error.message, true);
  }
});

cancelButton.addEventListener("click", () => {
  stopEditing();
  say("");
});

refresh();
listenForReplicatedNotes();
setInterval(() => {
  if (!document.hidden) {
    refreshNode();
  }
}, STATUS_REFRESH_MS);
