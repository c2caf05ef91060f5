from posbooks.cli import main


def test_cli_help_lists_commands(capsys):
    assert main([]) == 2
    assert "usage: posbooks" in capsys.readouterr().out
