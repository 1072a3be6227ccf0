"""Documents and helpers the GraphQL learning tests share."""

from tests.factories import EnrollmentFactory, InstructorFactory, StudentFactory

PROGRESS = """
query($id: ID!) {
  courseProgress(courseId: $id) {
    completed total percent completedAt
    nextContent { id moduleId url }
    certificate { code url pdf }
  }
}
"""
COMPLETE = """
mutation($id: ID!) {
  completeContent(contentId: $id) { completed progress { completed total percent } }
}
"""
UNCOMPLETE = """
mutation($id: ID!) {
  uncompleteContent(contentId: $id) { completed progress { completed total percent } }
}
"""
START = """
mutation($id: ID!) {
  startQuizAttempt(quizId: $id) {
    id quizId number status startedAt deadline secondsLeft created
    questions { id kind text points choices { id text } }
  }
}
"""
SUBMIT = """
mutation($id: ID!, $answers: [AnswerInput!]!) {
  submitQuizAttempt(attemptId: $id, answers: $answers) {
    id quizId number status submittedAt score maxScore percent passed passPercent
    attemptsLeft answersReleased
    results {
      question { id kind text points choices { id text } }
      response points correct correctAnswer
    }
  }
}
"""
CONTENTS = """
query($id: ID!) {
  courseContents(courseId: $id) {
    id
    contents {
      __typename id title html
      ... on QuizContent {
        quiz {
          id passPercent maxAttempts timeLimitSeconds shuffleQuestions
          shuffleChoices grading review questionsCount attemptsUsed bestPercent
        }
      }
    }
  }
}
"""
REFUSED = {
    "anonymous": "UNAUTHENTICATED",
    "not_enrolled": "FORBIDDEN",
    "owner": "FORBIDDEN",
    "other_instructor": "FORBIDDEN",
}


def someone(role: str, course):
    return {
        "anonymous": lambda: None,
        "not_enrolled": StudentFactory,
        "enrolled": lambda: EnrollmentFactory(course=course).student,
        "owner": lambda: course.owner,
        "other_instructor": InstructorFactory,
    }[role]()


def graphql_answers(answers: list[dict]) -> list[dict]:
    """REST's answers as AnswerInput values (ids as strings)."""
    shaped = []
    for answer in answers:
        each = {**answer, "question": str(answer["question"])}
        if "choices" in each:
            each["choices"] = [str(pk) for pk in each["choices"]]
        shaped.append(each)
    return shaped
