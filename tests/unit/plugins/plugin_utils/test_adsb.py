"""Unit tests for plugins/plugin_utils/_adsb.py (the ADS-B receiver's and feeders' inputs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from ansible_collections.hobbynet.infra.plugins.plugin_utils._adsb import (
    FEEDERS,
    R820T_GAINS,
    AdsbInputError,
    adsb_plan,
    decoder_argv,
    default_file,
    host_problems,
    map_config,
)

FIXTURES = Path(__file__).resolve().parents[3] / "fixtures" / "adsb"
LAB_KEY = (FIXTURES / "lab-vendor-key.asc").read_text()
LAB_FINGERPRINT = "8EBD688EFF4055A3C85B110568314F3772DB9F44"
UUID = "0b0e2a55-1ab0-4c1d-9e6f-5a1b0c2d3e4f"
PACKAGES = [{"name": "dump1090exporter", "version": "22.3.0", "file": "d.whl", "sha256": "a" * 64}]
REPOSITORY = {
    "url": "http://vendor.invalid/debian",
    "suite": "bookworm",
    "components": ["main"],
    "architectures": ["amd64"],
    "key": LAB_KEY,
    "key_fingerprint": LAB_FINGERPRINT,
}

GOOD = {
    "adsb_feeders_latitude": 51.5,
    "adsb_feeders_longitude": 5.5,
    "adsb_feeders_exporter_packages": PACKAGES,
}


def plan(**changes):
    values = dict(GOOD)
    values.update(changes)
    return adsb_plan("a1", values)


def problems(**changes):
    with pytest.raises(AdsbInputError) as err:
        plan(**changes)
    return "; ".join(err.value.problems)


def test_a_receiver_with_a_dongle_runs_the_package_defaults():
    result = plan()
    assert result["receiver"] is True
    assert result["decoder"]["net_only"] is False
    assert result["argv"][:4] == ["/usr/bin/dump1090-mutability", "--net", "--device-index", "0"]
    # max gain: no --gain, as the package's init script does.
    assert "--gain" not in result["argv"]
    assert result["decoder_host"] == "127.0.0.1"
    assert result["map"] == {"address": "0.0.0.0", "port": 8080}
    assert result["exporter"] == {"address": "0.0.0.0", "port": 9105}
    assert {item["port"] for item in result["listeners"]} == {
        30001,
        30002,
        30003,
        30104,
        30005,
        8080,
        9105,
    }


def test_net_only_and_the_default_file_agree_with_the_arguments():
    result = plan(adsb_feeders_dongle=False, adsb_feeders_bind_address="198.18.48.11")
    keys = dict(result["default_file"])
    assert keys["DEVICE"] == "none"
    assert result["argv"][1] == "--net-only"
    argv = result["argv"]
    for key, option in (
        ("RAW_INPUT_PORT", "--net-ri-port"),
        ("BEAST_INPUT_PORT", "--net-bi-port"),
        ("BEAST_OUTPUT_PORT", "--net-bo-port"),
        ("NET_BIND_ADDRESS", "--net-bind-address"),
        ("LAT", "--lat"),
        ("JSON_DIR", "--write-json"),
    ):
        assert argv[argv.index(option) + 1] == keys[key]
    # The feeders of a host whose decoder binds an address read it there.
    assert result["decoder_host"] == "198.18.48.11"


@pytest.mark.parametrize(
    ("gain", "expected"),
    [("auto", ["--gain", "-10"]), (49.6, ["--gain", "49.6"]), ("0", ["--gain", "0.0"])],
)
def test_gains_the_tuner_has(gain, expected):
    argv = plan(adsb_feeders_gain=gain)["argv"]
    index = argv.index("--gain")
    assert argv[index : index + 2] == expected


@pytest.mark.parametrize("gain", [13, "high", 50, -10, True, None])
def test_gains_the_tuner_lacks_are_refused(gain):
    assert "adsb_feeders_gain must be max, auto or one of the R820T tuner's gains" in problems(
        adsb_feeders_gain=gain
    )


def test_every_r820t_gain_is_accepted():
    for gain in R820T_GAINS:
        plan(adsb_feeders_gain=gain)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"adsb_feeders_latitude": 91},
            "adsb_feeders_latitude must be a number from -90 to 90 (degrees), got 91",
        ),
        (
            {"adsb_feeders_longitude": -180.5},
            "adsb_feeders_longitude must be a number from -180 to 180",
        ),
        ({"adsb_feeders_latitude": None}, "adsb_feeders_latitude must be a number"),
        ({"adsb_feeders_ppm": 1000}, "adsb_feeders_ppm must be an integer from -500 to 500"),
        (
            {"adsb_feeders_ports": {"beast_output": 0}},
            "adsb_feeders_ports.beast_output must be a port 1..65535",
        ),
        (
            {"adsb_feeders_ports": {"beast_ouput": 30005}},
            "adsb_feeders_ports has unknown keys ['beast_ouput']",
        ),
        (
            {"adsb_feeders_bind_address": "localhost"},
            "adsb_feeders_bind_address must be an IP address",
        ),
        (
            {"adsb_feeders_feeders": {"planefinder": {"enabled": True}}},
            "adsb_feeders_feeders.planefinder: unknown feeder 'planefinder' (known: "
            "adsbexchange, adsbfi, flightaware",
        ),
        (
            {"adsb_feeders_feeders": {"adsbexchange": {"enabled": True}}},
            "adsb_feeders_feeders.adsbexchange.uuid is required when "
            "adsb_feeders_feeders.adsbexchange.enabled is true",
        ),
        (
            {"adsb_feeders_feeders": {"adsbexchange": {"enabled": True, "uuid": "nope"}}},
            "adsb_feeders_feeders.adsbexchange.uuid must be a UUID",
        ),
        (
            {"adsb_feeders_feeders": {"adsbfi": {"enabled": "yes", "uuid": UUID}}},
            "adsb_feeders_feeders.adsbfi.enabled must be true or false",
        ),
        (
            {
                "adsb_feeders_feeders": {
                    "flightradar24": {"enabled": True, "sharing_key": "0123", "install": False}
                }
            },
            "adsb_feeders_feeders.flightradar24.sharing_key must be Flightradar24's sharing key "
            "(16 hex digits)",
        ),
        (
            {
                "adsb_feeders_feeders": {
                    "flightradar24": {
                        "enabled": True,
                        "sharing_key": "0123456789abcdef",
                        "install": False,
                        "host": "x",
                    }
                }
            },
            "adsb_feeders_feeders.flightradar24 has unknown keys ['host']",
        ),
        (
            {
                "adsb_feeders_feeders": {
                    "opensky": {
                        "enabled": True,
                        "username": "me",
                        "serial": "abc",
                        "install": False,
                    }
                }
            },
            "adsb_feeders_feeders.opensky.serial must be the OpenSky serial number",
        ),
        (
            {"adsb_feeders_map_port": 30005},
            "adsb_feeders_map_port and adsb_feeders_ports.beast_output are both port 30005 on a1",
        ),
        (
            {"adsb_feeders_exporter_port": 8080},
            "adsb_feeders_exporter_port and adsb_feeders_map_port are both port 8080 on a1",
        ),
        (
            {
                "adsb_feeders_exporter_packages": [
                    {
                        "name": "dump1090exporter",
                        "version": "22.3.0",
                        "file": "d.whl",
                        "sha256": "xyz",
                    }
                ]
            },
            "adsb_feeders_exporter_packages[0].sha256 must be 64 lower-case hexadecimal digits",
        ),
    ],
)
def test_bad_inputs_name_the_variable(changes, message):
    assert message in problems(**changes)


def test_every_problem_is_reported_at_once():
    text = problems(adsb_feeders_latitude=95, adsb_feeders_gain=13, adsb_feeders_map_port=30001)
    assert "adsb_feeders_latitude" in text
    assert "adsb_feeders_gain" in text
    assert "adsb_feeders_map_port and adsb_feeders_ports.raw_input are both port 30001" in text


def test_secrets_never_reach_the_plan_or_a_message():
    result = plan(
        adsb_feeders_feeders={
            "adsbexchange": {"enabled": True, "uuid": UUID},
            "flightradar24": {"enabled": True, "sharing_key": "0123456789abcdef", "install": False},
            "opensky": {"enabled": True, "username": "me", "serial": -1408234269, "install": False},
        }
    )
    text = repr(result)
    for secret in (UUID, "0123456789abcdef", "-1408234269"):
        assert secret not in text
    bad = problems(
        adsb_feeders_feeders={"adsbexchange": {"enabled": True, "uuid": "secret-but-malformed"}}
    )
    assert "secret-but-malformed" not in bad


def test_beast_feeders_read_the_local_decoder_and_push_to_their_aggregator():
    result = plan(
        adsb_feeders_feeders={
            "adsbfi": {"enabled": True, "uuid": UUID},
            "adsbexchange": {"enabled": False},
        }
    )
    (feeder,) = result["beast_feeders"]
    assert feeder["unit"] == "adsb-feeder-adsbfi.service"
    assert (feeder["host"], feeder["port"]) == (FEEDERS["adsbfi"]["host"], 30004)
    assert (feeder["decoder_host"], feeder["decoder_port"]) == ("127.0.0.1", 30005)


def test_a_feeder_host_needs_the_decoders_host():
    text = problems(
        adsb_feeders_receiver=False,
        adsb_feeders_feeders={"adsbfi": {"enabled": True, "uuid": UUID}},
    )
    assert "adsb_feeders_decoder_host is required when adsb_feeders_receiver is false" in text
    result = plan(
        adsb_feeders_receiver=False,
        adsb_feeders_decoder_host="198.18.48.11",
        adsb_feeders_feeders={"adsbfi": {"enabled": True, "uuid": UUID}},
    )
    assert result["decoder"] is None and result["map"] is None and result["exporter"] is None
    assert result["beast_feeders"][0]["decoder_host"] == "198.18.48.11"
    assert result["listeners"] == []


def test_vendor_keys_are_pinned_by_fingerprint():
    feeders = {"flightaware": {"enabled": True, "feeder_id": UUID, "repository": REPOSITORY}}
    (feeder,) = plan(adsb_feeders_feeders=feeders)["vendor_feeders"]
    assert feeder["repository"]["key_fingerprint"] == LAB_FINGERPRINT
    assert feeder["repository"]["keyring"] == "/etc/apt/keyrings/hobbynet-flightaware.asc"
    wrong = dict(REPOSITORY, key_fingerprint="4E49 CAF6 B9F2 BF8F C240 E4BA B931 BB28 DE85 F0DD")
    text = problems(
        adsb_feeders_feeders={
            "flightaware": {"enabled": True, "feeder_id": UUID, "repository": wrong}
        }
    )
    assert (
        f"adsb_feeders_feeders.flightaware.repository.key has the fingerprint {LAB_FINGERPRINT}, "
        "not the pinned "
        "key_fingerprint 4E49CAF6B9F2BF8FC240E4BAB931BB28DE85F0DD" in text
    )


def test_flightaware_defaults_to_its_repository_and_needs_only_the_key():
    # The default fingerprint is FlightAware's: the lab key does not match it.
    text = problems(
        adsb_feeders_feeders={
            "flightaware": {"enabled": True, "feeder_id": UUID, "repository": {"key": LAB_KEY}}
        }
    )
    assert "not the pinned key_fingerprint 4E49CAF6B9F2BF8FC240E4BAB931BB28DE85F0DD" in text
    text = problems(adsb_feeders_feeders={"flightaware": {"enabled": True, "feeder_id": UUID}})
    assert (
        "adsb_feeders_feeders.flightaware.repository is required for an installed vendor feeder"
        in text
    )


def test_a_vendor_feeder_not_installed_needs_no_repository():
    result = plan(
        adsb_feeders_feeders={
            "opensky": {"enabled": True, "username": "me", "serial": 5, "install": False}
        }
    )
    assert result["vendor_feeders"][0]["repository"] is None
    assert result["position"] == {"latitude": 51.5, "longitude": 5.5, "altitude_m": 0}


def test_host_problems_name_the_missing_address_and_the_architecture():
    result = plan(
        adsb_feeders_bind_address="192.0.2.99",
        adsb_feeders_feeders={
            "flightaware": {
                "enabled": True,
                "feeder_id": UUID,
                "repository": dict(REPOSITORY, architectures=["arm64"]),
            }
        },
    )
    found = host_problems(result, ["10.0.0.5"], "amd64")
    assert (
        found[0]
        == "adsb_feeders_bind_address 192.0.2.99 is not an address of this host (it has 10.0.0.5)"
    )
    assert "has piaware for arm64 only, not for this host's amd64" in found[1]
    assert "adsb_feeders_feeders.flightaware.install: false" in found[1]
    assert host_problems(result, ["192.0.2.99"], "arm64") == []
    assert host_problems(plan(), [], "amd64") == []  # loopback and wildcard are always there


def test_the_map_config_is_centred_and_stable():
    original = (
        "// comment SiteShow = false;\n"
        "DefaultCenterLat = 45.0;\nDefaultCenterLon = 9.0;\n"
        "SiteShow    = false;           // true to show a center marker\n"
        "SiteLat     = 45.0;            // position of the marker\nSiteLon     = 9.0;\n"
        'SiteName    = "My Radar Site"; // tooltip of the marker\nPageName = "DUMP1090";\n'
    )
    result = plan(adsb_feeders_site_name="home")
    text = map_config(original, result)
    assert "SiteShow    = true;           // true to show a center marker" in text
    assert "SiteLat     = 51.50000;" in text
    assert 'SiteName    = "home"; // tooltip of the marker' in text
    assert "// comment SiteShow = false;" in text
    assert 'PageName = "DUMP1090";' in text
    assert map_config(text, result) == text


def test_a_missing_key_is_appended_once():
    text = map_config("PageName = 1;\n", plan())
    assert text.count("SiteShow = true;") == 1
    assert map_config(text, plan()) == text


def test_default_file_and_argv_for_agc():
    decoder = plan(adsb_feeders_gain="auto")["decoder"]
    assert dict(default_file(decoder))["GAIN"] == "agc"
    assert "-10" in decoder_argv(decoder)
