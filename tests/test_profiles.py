import pytest

from werkstatt import profiles
from werkstatt.errors import WerkstattError, check_range


@pytest.mark.parametrize("name, expected", [("quick", 1), ("standard", 2), ("gpu", 3)])
def test_pick_follows_the_environment(monkeypatch, name, expected):
    monkeypatch.setenv("WERKSTATT_PROFILE", name)
    assert profiles.pick(quick=1, standard=2, gpu=3) == expected


def test_gpu_falls_back_to_standard_value(monkeypatch):
    monkeypatch.setenv("WERKSTATT_PROFILE", "gpu")
    assert profiles.pick(quick=1, standard=2) == 2


@pytest.mark.parametrize("gpu, default", [(False, "standard"), (True, "gpu")])
def test_unknown_profile_warns_and_uses_default(monkeypatch, gpu, default):
    monkeypatch.setenv("WERKSTATT_PROFILE", "turbo")
    monkeypatch.setattr(profiles, "gpu_available", lambda: gpu)
    with pytest.warns(UserWarning, match="turbo"):
        assert profiles.current_profile() == default


def test_default_profile_depends_on_gpu(monkeypatch):
    monkeypatch.delenv("WERKSTATT_PROFILE", raising=False)
    monkeypatch.setattr(profiles, "gpu_available", lambda: False)
    assert profiles.current_profile() == "standard" and profiles.device() == "cpu"
    monkeypatch.setattr(profiles, "gpu_available", lambda: True)
    assert profiles.current_profile() == "gpu" and profiles.device() == "cuda"


def test_describe_says_when_shortened(monkeypatch):
    from werkstatt import i18n

    i18n.set_language("de")
    monkeypatch.setenv("WERKSTATT_PROFILE", "quick")
    assert "verkürzt" in profiles.describe()
    monkeypatch.setenv("WERKSTATT_PROFILE", "standard")
    assert "verkürzt" not in profiles.describe()


def test_check_range_accepts_inside_and_refuses_outside():
    assert check_range("temperature", 1.0, 0.1, 3.0) == 1.0
    with pytest.raises(WerkstattError):
        check_range("temperature", 5, 0.1, 3.0)
    with pytest.raises(WerkstattError):
        check_range("temperature", "warm", 0.1, 3.0)
