#!/usr/bin/env python3
"""Drives palm's Jupyter kernel through the real Jupyter client (jupyter_client, nbclient).

Run by Tests/KernelTests/JupyterClientTests.swift inside a venv holding jupyter_client,
nbclient and nbformat, with JUPYTER_PATH pointing at a kernelspec installed by
`palm kernel install --prefix`. Usage:

    drive_kernel.py CONFIG.json

CONFIG names the model expression (`pengi_random()` or `demo_alm()`), the folder dataset, a
work folder and the kernel's stderr log. Every check that fails raises; the last line printed
is "all checks passed". Each check prints one line saying what it saw.
"""
import json
import os
import signal
import subprocess
import sys
import time
import uuid

import nbformat
import zmq
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session
from nbclient import NotebookClient


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def outputs_of(cell):
    return [(o["output_type"], sorted(o.get("data", {}).keys()), o) for o in cell.outputs]


def run_notebook(config):
    """nbclient executes a notebook that trains PALM; its outputs and MIME types are checked."""
    model, data = config["model"], config["data"]
    cells = [
        nbformat.v4.new_markdown_cell("## Few-shot PALM in a notebook"),
        nbformat.v4.new_code_cell(f'm = {model}\nds = dataset("folder", "{data}")\n'
                                  f's = ds.split().fewshot({config["shots"]})\nprint("classes: \\(ds.classes)")'),
        nbformat.v4.new_code_cell(f'l = palm(m, ds.classes)\nr = fit(l, s.train, epochs: {config["epochs"]})\nplot_losses(r)'),
        nbformat.v4.new_code_cell("e = evaluate(l, s.test, quiet: true)\ne"),
        nbformat.v4.new_code_cell('table([["palm", e.accuracy]], header: ["method", "accuracy"])'),
        nbformat.v4.new_code_cell("heatmap(e)"),
        nbformat.v4.new_code_cell("undefined_thing + 1"),
        nbformat.v4.new_code_cell("x = 41\nx + 1"),
        nbformat.v4.new_code_cell('show(table([[1, 2]], header: ["a", "b"]))\nprint("after show")'),
        nbformat.v4.new_code_cell(":vars"),
    ]
    nb = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "palm", "display_name": "palm", "language": "palm"}})
    client = NotebookClient(nb, kernel_name="palm", timeout=600, allow_errors=True,
                            resources={"metadata": {"path": config["workdir"]}})
    client.execute()
    nbformat.write(nb, os.path.join(config["workdir"], "executed.ipynb"))

    check(nb.metadata.get("language_info", {}).get("name") == "palm", f"language_info: {nb.metadata.get('language_info')}")
    setup = outputs_of(nb.cells[1])
    check(any(t == "stream" and o["name"] == "stdout" and "classes:" in o["text"] for t, _, o in setup), f"setup cell outputs: {setup}")
    print("nbclient: print -> stream stdout:", [o["text"].strip()[:60] for t, _, o in setup if t == "stream"])

    train = outputs_of(nb.cells[2])
    svg = [o for t, keys, o in train if t == "execute_result" and "image/svg+xml" in keys]
    check(svg and svg[0]["data"]["image/svg+xml"].lstrip().startswith("<svg"), f"fit cell: no SVG plot in {[(t, k) for t, k, _ in train]}")
    check(svg[0]["execution_count"] == 2, f"execution_count of the fit cell: {svg[0]['execution_count']}")
    progress = [o for t, keys, o in train if t == "display_data"]
    check(progress and "fit palm" in progress[0]["data"]["text/plain"], f"fit cell: no progress display in {train}")
    print("nbclient: plot_losses -> execute_result image/svg+xml;", "progress line:", progress[-1]["data"]["text/plain"][:70])

    evaluation = outputs_of(nb.cells[3])
    html = [o for t, keys, o in evaluation if t == "execute_result" and "text/html" in keys]
    check(html and "<table" in html[0]["data"]["text/html"] and "text/plain" in html[0]["data"], f"evaluation cell: {evaluation}")
    table = outputs_of(nb.cells[4])
    check(any(t == "execute_result" and "<table" in o["data"].get("text/html", "") for t, _, o in table), f"table cell: {table}")
    heat = outputs_of(nb.cells[5])
    check(any(t == "execute_result" and "image/svg+xml" in keys for t, keys, _ in heat), f"heatmap cell: {heat}")
    print("nbclient: evaluation and table -> text/html <table>; heatmap -> image/svg+xml")

    error = outputs_of(nb.cells[6])
    errs = [o for t, _, o in error if t == "error"]
    check(errs and "unknown name 'undefined_thing'" in errs[0]["evalue"], f"error cell: {error}")
    check(any("^" in line for line in errs[0]["traceback"]), f"no caret in the traceback {errs[0]['traceback']}")
    print("nbclient: bad cell -> error", errs[0]["ename"], "|", errs[0]["evalue"], "| traceback:", errs[0]["traceback"])
    last = outputs_of(nb.cells[7])
    check(any(t == "execute_result" and o["data"]["text/plain"] == "42" for t, _, o in last), f"cell after the error: {last}")
    print("nbclient: the cell after the error runs: 42")
    shown = outputs_of(nb.cells[8])
    check([t for t, _, _ in shown] == ["display_data", "stream"] and "<table" in shown[0][2]["data"]["text/html"], f"show cell: {shown}")
    variables = outputs_of(nb.cells[9])
    check(any(t == "stream" and "x: number = 41" in o["text"] for t, _, o in variables), f":vars cell: {variables}")
    print("nbclient: show(table) -> display_data text/html, then the printed line; :vars ->", variables[0][2]["text"].splitlines()[-1])


def wait_for_progress(client, msg_id, seconds=120):
    """Waits until the cell `msg_id` shows its first training progress (fit is running)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        msg = client.get_iopub_msg(timeout=seconds)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] in ("display_data", "update_display_data"):
            return


def collect(client, msg_id, timeout=600):
    """The iopub messages of request msg_id up to its idle status."""
    messages = []
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = client.get_iopub_msg(timeout=deadline - time.time())
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        messages.append(msg)
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return messages
    raise AssertionError(f"no idle status for {msg_id}")


def execute(client, code, timeout=600):
    msg_id = client.execute(code)
    messages = collect(client, msg_id, timeout)
    reply = client.get_shell_msg(timeout=timeout)
    check(reply["parent_header"]["msg_id"] == msg_id, "execute_reply for another request")
    return reply["content"], messages


def shell_reply(client, msg_id, timeout=30):
    """The content of the shell reply to msg_id."""
    reply = client.get_shell_msg(timeout=timeout)
    check(reply["parent_header"]["msg_id"] == msg_id, "a shell reply to another request")
    return reply["content"]


def drive_client(config):
    """jupyter_client: requests one by one, progress updates, interrupt mid-fit, a forged
    message, history, shutdown and restart."""
    log = open(config["log"], "w")
    km = KernelManager(kernel_name="palm")
    km.start_kernel(cwd=config["workdir"], stderr=log)
    client = km.client()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    try:
        info = client.kernel_info(reply=True, timeout=30)["content"]
        check(info["protocol_version"] == "5.3" and info["implementation"] == "palm", f"kernel_info: {info}")
        check(info["language_info"]["name"] == "palm" and info["language_info"]["file_extension"] == ".palm", f"language_info: {info}")
        print("kernel_info:", info["implementation"], info["protocol_version"], info["language_info"])

        model, data = config["model"], config["data"]
        reply, messages = execute(client, f'm = {model}\nds = dataset("folder", "{data}")\ns = ds.split().fewshot({config["shots"]})')
        check(reply["status"] == "ok", f"setup: {reply}")
        states = [m["content"]["execution_state"] for m in messages if m["msg_type"] == "status"]
        check(states[0] == "busy" and states[-1] == "idle", f"status around execute: {states}")
        check(any(m["msg_type"] == "execute_input" for m in messages), "no execute_input")

        # Progress: one display, then updates of the same display_id.
        reply, messages = execute(client, f'l = palm(m, ds.classes)\nr = fit(l, s.train, epochs: {config["epochs"]});')
        check(reply["status"] == "ok", f"fit: {reply}")
        shown = [m for m in messages if m["msg_type"] == "display_data"]
        updates = [m for m in messages if m["msg_type"] == "update_display_data"]
        check(len(shown) == 1 and updates, f"progress: {len(shown)} display_data, {len(updates)} update_display_data")
        ids = {m["content"]["transient"]["display_id"] for m in shown + updates}
        check(len(ids) == 1, f"progress display ids: {ids}")
        print(f"progress: 1 display_data + {len(updates)} update_display_data (one display_id); last:",
              updates[-1]["content"]["data"]["text/plain"])

        complete = client.complete("x = fi", 6, reply=True, timeout=30)["content"]
        check("fit" in complete["matches"] and complete["cursor_start"] == 4, f"complete: {complete}")
        members = client.complete("ds.cl", 5, reply=True, timeout=30)["content"]
        check("ds.classes" in members["matches"], f"complete members: {members}")
        inspect = client.inspect("fit(l", 1, reply=True, timeout=30)["content"]
        check(inspect["found"] and "Trains a learner" in inspect["data"]["text/plain"], f"inspect: {inspect}")
        statuses = {code: shell_reply(client, client.is_complete(code))["status"] for code in ["x = 1", "f(1,", "for i in 0..<3 {", "x = )"]}
        check(statuses == {"x = 1": "complete", "f(1,": "incomplete", "for i in 0..<3 {": "incomplete", "x = )": "invalid"}, f"is_complete: {statuses}")
        print("complete:", complete["matches"][:5], "| inspect found:", inspect["found"], "| is_complete:", statuses)

        # Interrupt a long fit mid-training: it stops at a batch boundary; the session keeps
        # every variable and what the learner learned.
        long_id = client.execute("l2 = palm(m, ds.classes)\nr2 = fit(l2, s.train, epochs: 1000000, batch: 1)")
        wait_for_progress(client, long_id)
        time.sleep(1.0)
        km.interrupt_kernel()
        messages = collect(client, long_id, 120)
        reply = client.get_shell_msg(timeout=60)["content"]
        check(reply["status"] == "error" and reply["ename"] == "interrupted", f"interrupted fit: {reply}")
        errors = [m for m in messages if m["msg_type"] == "error"]
        check(errors and "training stopped after" in errors[0]["content"]["evalue"], f"interrupt error: {errors}")
        print("interrupt mid-fit:", reply["ename"], "|", reply["evalue"])
        reply, messages = execute(client, "[ds.classes.count, evaluate(l2, s.test, quiet: true).accuracy >= 0, r.epochs]")
        results = [m["content"]["data"]["text/plain"] for m in messages if m["msg_type"] == "execute_result"]
        check(reply["status"] == "ok" and results, f"after the interrupt: {reply} {results}")
        print("after the interrupt, the session still has ds, l2 and r:", results[0])

        # SIGINT (what a terminal's Ctrl-C and interrupt_mode "signal" send) does the same.
        sig_id = client.execute("r3 = fit(l2, s.train, epochs: 1000000, batch: 1)")
        wait_for_progress(client, sig_id)
        km.signal_kernel(signal.SIGINT)
        collect(client, sig_id, 120)
        reply = client.get_shell_msg(timeout=60)["content"]
        check(reply["status"] == "error" and reply["ename"] == "interrupted", f"fit stopped by SIGINT: {reply}")
        print("SIGINT mid-fit:", reply["ename"], "|", reply["evalue"])

        # A message signed with the wrong key, sent on a raw socket: refused and logged, not run.
        ctx = zmq.Context()
        raw = ctx.socket(zmq.DEALER)
        raw.connect(f"{km.transport}://{km.ip}:{km.shell_port}")
        forged = Session(key=b"not-the-key", username="mallory")
        forged.send(raw, "execute_request", {"code": "forged = 1", "silent": False, "store_history": True,
                                             "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        check(raw.poll(2000) == 0, "the kernel answered a message with a bad signature")
        raw.close(0)
        reply, messages = execute(client, "forged")
        check(reply["status"] == "error" and "unknown name 'forged'" in reply["evalue"], f"the forged cell ran: {reply}")
        log.flush()
        logged = open(config["log"]).read()
        check("bad signature" in logged, f"kernel log has no refusal: {logged!r}")
        print("forged message: no reply, not executed; log:", [l for l in logged.splitlines() if "signature" in l][-1])

        history = client.history(hist_access_type="tail", n=100, reply=True, timeout=30)["content"]["history"]
        inputs = [h[2] for h in history]
        check(any("fit(l2" in i for i in inputs) and not any("forged = 1" in i for i in inputs), f"history: {inputs}")
        print(f"history: {len(inputs)} inputs, the forged one not among them")

        # Restart: a fresh session (the kernel exits on shutdown_request with restart, the
        # manager starts it again).
        km.restart_kernel(now=False)
        client.wait_for_ready(timeout=60)
        reply, _ = execute(client, "ds")
        check(reply["status"] == "error" and "unknown name 'ds'" in reply["evalue"], f"after restart: {reply}")
        print("restart: a fresh session (ds unknown)")
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=False)
    check(not km.is_alive(), "the kernel is still running after shutdown")
    print("shutdown: the kernel exited")


def orphan_exits(config):
    """A kernel whose Jupyter process dies (killed, no shutdown request) exits by itself."""
    starter = ("import sys, time\nfrom jupyter_client.manager import KernelManager\n"
               "km = KernelManager(kernel_name='palm'); km.start_kernel(cwd=sys.argv[1])\n"
               "print(km.provisioner.process.pid, flush=True); time.sleep(600)\n")
    proc = subprocess.Popen([sys.executable, "-c", starter, config["workdir"]], stdout=subprocess.PIPE, text=True)
    kernel_pid = int(proc.stdout.readline())
    proc.kill()
    proc.wait()
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            state = open(f"/proc/{kernel_pid}/stat").read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            state = "gone"
        # A zombie has exited; only whoever adopted it (here perhaps an init that never
        # reaps) can remove it.
        if state in ("gone", "Z", "X"):
            print(f"orphan: the kernel {kernel_pid} exited after its Jupyter process was killed")
            return
        time.sleep(0.5)
    os.kill(kernel_pid, signal.SIGKILL)
    raise AssertionError(f"the kernel {kernel_pid} outlived its Jupyter process")


def main():
    config = json.load(open(sys.argv[1]))
    run_notebook(config)
    drive_client(config)
    orphan_exits(config)
    print("all checks passed")


if __name__ == "__main__":
    main()
