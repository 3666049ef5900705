"""BLAS threads: one count per run, set alike by the CLI and the training worker (the window: tests/gui)."""

import io

import pytest
from threadpoolctl import threadpool_limits

from backpropviz.__main__ import main
from backpropviz.engine import blas
from backpropviz.engine.model import HiddenLayer, ModelSettings, build_dataset, build_stepper
from backpropviz.engine.worker import Trainer, load_messages

WIDE = [784, 128, 64, 1]


@pytest.fixture(autouse=True)
def kept_threads(monkeypatch):
    """Each test starts without the override and leaves the process's BLAS threads as it found them."""
    monkeypatch.delenv(blas.ENV, raising=False)
    before = blas.current_threads()
    yield
    threadpool_limits(limits=before, user_api="blas")


def test_small_products_get_one_thread_and_large_ones_all_cores_but_one():
    assert blas.largest_product([2, 50, 50, 1], 400) == 50 * 50 * 400
    assert blas.choose_threads([2, 4, 1], 400) == 1
    assert blas.choose_threads([2, *[50] * 6, 1], 400) == 1  # 7× slower with the default on two cores
    assert blas.largest_product(WIDE, 10_000) >= blas.SMALL_PRODUCT_MACS
    assert blas.choose_threads(WIDE, 10_000) == max(1, blas.default_threads() - 1)


def test_the_override_names_a_count_or_the_default(monkeypatch):
    monkeypatch.setenv(blas.ENV, "3")
    assert blas.choose_threads([2, 4, 1], 400) == 3
    monkeypatch.setenv(blas.ENV, "default")
    assert blas.choose_threads([2, 4, 1], 400) == blas.default_threads()
    monkeypatch.setenv(blas.ENV, "many")  # not a count: the rule decides
    assert blas.choose_threads([2, 4, 1], 400) == 1


def test_use_threads_sets_the_pool(monkeypatch):
    monkeypatch.setenv(blas.ENV, "default")
    assert blas.use_threads([2, 4, 1], 400) == blas.default_threads() == blas.current_threads()
    monkeypatch.delenv(blas.ENV)
    assert blas.use_threads([2, 4, 1], 400) == 1 == blas.current_threads()


def test_the_cli_and_the_worker_set_the_runs_count(monkeypatch, capsys):
    monkeypatch.setenv(blas.ENV, "default")
    threadpool_limits(limits=1, user_api="blas")
    assert main(["train", "--dataset", "flower", "--iterations", "2", "--json"]) == 0
    capsys.readouterr()
    assert blas.current_threads() == blas.default_threads()

    threadpool_limits(limits=1, user_api="blas")
    settings = ModelSettings(hidden=(HiddenLayer(3, "relu"),))
    dataset = build_dataset(settings)
    trainer = Trainer(io.BytesIO())
    for message in load_messages(1, 1, settings, dataset, build_stepper(settings, dataset)):
        trainer.handle(*message)
    assert trainer.stepper is not None and blas.current_threads() == blas.default_threads()
