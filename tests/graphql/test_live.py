"""Which variables set subscriptions apart when they share one execution
per event (educa/graphql/live.py)."""

from educa.graphql.live import result_variables


def test_root_field_arguments_do_not_set_subscriptions_apart():
    query = """
    subscription($room: ID!, $after: ID) {
      chatMessages(roomId: $room, after: $after) { id message }
    }"""

    assert result_variables(query, None) == frozenset()


def test_variables_of_the_selection_set_and_directives_do():
    query = """
    subscription($room: ID!, $after: ID, $long: Boolean!, $root: Boolean!) {
      chatMessages(roomId: $room, after: $after) @include(if: $root) {
        id message @include(if: $long) ...More
      }
    }
    fragment More on Message { user @skip(if: $hideUser) }
    """

    assert result_variables(query, None) == {"long", "root", "hideUser"}


def test_only_the_named_operation_counts():
    query = """
    subscription A($long: Boolean!) {
      chatMessages(roomId: 1) { id @include(if: $long) }
    }
    subscription B($room: ID!) { chatMessages(roomId: $room) { id } }
    """

    assert result_variables(query, "B") == frozenset()
    assert result_variables(query, "A") == {"long"}
