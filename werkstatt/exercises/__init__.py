"""Self-checked exercise tasks, one module per chapter (`from werkstatt.exercises.ch01 import q1, q2`)."""
